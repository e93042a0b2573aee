package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRestoreRefusesHostileArchives restores archives with valid checksums
// whose entries try to leave the target: each is refused, nothing outside
// is written and the target is unchanged.
func TestRestoreRefusesHostileArchives(t *testing.T) {
	type entry struct {
		name, link string
		typ        byte
	}
	file := func(name string) entry { return entry{name: name, typ: tar.TypeReg} }
	// A valid start, so that the refusal happens mid-archive.
	valid := func(hostile ...entry) []entry {
		return append([]entry{{name: "data/", typ: tar.TypeDir}, file("data/ok")}, hostile...)
	}
	tests := []struct {
		name    string
		entries []entry
		wantErr string
	}{
		{"parent directory", valid(file("../evil")), "escapes the target"},
		{"absolute name", valid(file("/tmp/evil")), "escapes the target"},
		{"dot-dot inside the name", valid(file("data/../../evil")), "escapes the target"},
		{"outside the source's paths", valid(file("other/evil")), "outside the source's paths"},
		{"through a symlink it planted", valid(entry{name: "data/link", link: "OUTSIDE", typ: tar.TypeSymlink}, file("data/link/evil")), "not a directory"},
		{"the path itself a symlink, then below it", []entry{{name: "data", link: "OUTSIDE", typ: tar.TypeSymlink}, file("data/evil")}, "not a directory"},
		{"hard link", valid(entry{name: "data/evil", link: "/etc/passwd", typ: tar.TypeLink}), "unsupported entry type"},
		{"device", valid(entry{name: "data/evil", typ: tar.TypeChar}), "unsupported entry type"},
		{"duplicate file", valid(file("data/ok")), "file exists"},
		{"nothing for the path", []entry{}, "archive holds nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPolicy(t, Source{Name: "files", BaseDir: "/nonexistent", Paths: []string{"data"}})
			outside := filepath.Join(t.TempDir(), "outside")
			if err := os.Mkdir(outside, 0o755); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			tw := tar.NewWriter(&buf)
			for _, e := range tt.entries {
				hdr := &tar.Header{Name: e.name, Typeflag: e.typ, Linkname: strings.ReplaceAll(e.link, "OUTSIDE", outside), Mode: 0o644, ModTime: time.Now()}
				if e.typ == tar.TypeReg {
					hdr.Size = 4
				}
				if err := tw.WriteHeader(hdr); err != nil {
					t.Fatal(err)
				}
				if e.typ == tar.TypeReg {
					_, _ = tw.Write([]byte("evil"))
				}
			}
			if err := tw.Close(); err != nil {
				t.Fatal(err)
			}
			id := writeHandMadeBackup(t, p, "files.tar", buf.Bytes())
			if _, err := Verify(p, id); err != nil {
				t.Fatalf("the hand-made backup does not verify: %v", err)
			}
			scratch := filepath.Join(t.TempDir(), "scratch")
			if err := os.MkdirAll(filepath.Join(scratch, "data"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(scratch, "data", "current"), []byte("live"), 0o644); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, scratch)
			_, err := Restore(p, id, RestoreOptions{To: scratch})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("restore: got %v, want an error containing %q", err, tt.wantErr)
			}
			assertSameTree(t, before, snapshot(t, scratch))
			assertSameTree(t, map[string]string{}, snapshot(t, outside))
			if _, err := os.Lstat(filepath.Join(filepath.Dir(scratch), "evil")); !os.IsNotExist(err) {
				t.Fatalf("an entry escaped next to the target: %v", err)
			}
		})
	}
}

// writeHandMadeBackup stores archive as the only (paths) source of a
// complete backup with correct checksums.
func writeHandMadeBackup(t *testing.T, p *Policy, file string, archive []byte) string {
	t.Helper()
	id := formatID(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), 0)
	dir := filepath.Join(p.Destination, id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, file), archive, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(archive)
	s := p.Sources[0]
	md := Metadata{FormatVersion: 1, ID: id, Policy: p.Name, Status: StatusComplete, Compression: CompressionNone, Sources: []SourceMetadata{{
		Name: s.Name, Kind: KindPaths, File: file, Bytes: int64(len(archive)), SHA256: hex.EncodeToString(sum[:]), BaseDir: s.BaseDir, Paths: s.Paths,
	}}}
	raw, _ := json.Marshal(md)
	if err := os.WriteFile(filepath.Join(dir, MetadataFile), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRestoreOptionsAreChecked(t *testing.T) {
	p := testPolicy(t, Source{Name: "db", Command: []string{"printf", "x"}})
	res, err := Run(t.Context(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		id      string
		opts    RestoreOptions
		wantErr string
	}{
		{res.ID, RestoreOptions{}, "give -to DIR"},
		{res.ID, RestoreOptions{Source: "nope", To: t.TempDir()}, `no source "nope"`},
		{"20000101T000000Z", RestoreOptions{To: t.TempDir()}, "no such backup"},
		{"../../etc", RestoreOptions{To: t.TempDir()}, "not a backup ID"},
		{res.ID, RestoreOptions{To: p.Destination}, "overlaps the destination"},
		{res.ID, RestoreOptions{To: filepath.Join(p.Destination, res.ID)}, "overlaps the destination"},
	} {
		if _, err := Restore(p, tt.id, tt.opts); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("restore %s %+v: got %v, want %q", tt.id, tt.opts, err, tt.wantErr)
		}
	}
}

// TestFailedPlacementPutsEverythingBack: when the second of two targets
// cannot be moved into place, the first, already replaced, is put back.
func TestFailedPlacementPutsEverythingBack(t *testing.T) {
	dir := t.TempDir()
	var staged []*placement
	for _, name := range []string{"first", "second"} {
		target := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Join(target, "inside"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(target, "inside", "live"), []byte("live "+name), 0o644); err != nil {
			t.Fatal(err)
		}
		pl, err := newPlacement("/nonexistent/destination", "20260101T000000Z", target)
		if err != nil {
			t.Fatal(err)
		}
		staged = append(staged, pl)
	}
	if err := os.WriteFile(staged[0].staged(), []byte("restored first"), 0o644); err != nil {
		t.Fatal(err)
	}
	// staged[1] has nothing staged: its rename into place fails.
	before := snapshot(t, dir)
	if err := placeAll(staged); err == nil {
		t.Fatal("placing a missing staged target succeeded")
	}
	assertSameTree(t, before, snapshot(t, dir))
}

// TestRestoreRefusesMetadataThatDisagreesWithThePolicy: metadata.json lies
// among the backups, beside archives whose checksums it holds, so whoever
// can write there can rewrite it. A restore follows the policy: metadata
// naming another base_dir, a relative one, "." or paths outside base_dir,
// another source or policy is refused before anything is touched.
func TestRestoreRefusesMetadataThatDisagreesWithThePolicy(t *testing.T) {
	for _, tt := range []struct {
		name       string
		redirect   bool // restore with -to
		tamper     func(md *Metadata, victim string)
		wantErr    string
		wantRelDir string // must not appear in the working directory
	}{
		{name: "another base_dir", tamper: func(md *Metadata, victim string) { md.Sources[0].BaseDir = victim }, wantErr: "names base_dir"},
		{name: "a relative base_dir", tamper: func(md *Metadata, _ string) { md.Sources[0].BaseDir = "relative/dir" }, wantErr: "must be an absolute path", wantRelDir: "relative"},
		{name: "a relative base_dir, redirected", redirect: true, tamper: func(md *Metadata, _ string) { md.Sources[0].BaseDir = "relative/dir" }, wantErr: "must be an absolute path", wantRelDir: "relative"},
		{name: "base_dir not clean", tamper: func(md *Metadata, victim string) { md.Sources[0].BaseDir += "/../" + filepath.Base(victim) }, wantErr: "must be a clean path"},
		{name: "the path .", tamper: func(md *Metadata, _ string) { md.Sources[0].Paths = []string{"."} }, wantErr: "not '.'"},
		{name: "the path ., redirected", redirect: true, tamper: func(md *Metadata, _ string) { md.Sources[0].Paths = []string{"."} }, wantErr: "not '.'"},
		{name: "a path above base_dir", tamper: func(md *Metadata, victim string) { md.Sources[0].Paths = []string{"../" + filepath.Base(victim)} }, wantErr: "clean relative path"},
		{name: "an absolute path", tamper: func(md *Metadata, victim string) { md.Sources[0].Paths = []string{victim} }, wantErr: "clean relative path"},
		{name: "a path not in the policy", tamper: func(md *Metadata, _ string) { md.Sources[0].Paths = []string{"other"} }, wantErr: "not among the policy's paths"},
		{name: "overlapping paths", redirect: true, tamper: func(md *Metadata, _ string) { md.Sources[0].Paths = []string{"data", "data/sub"} }, wantErr: "overlaps"},
		{name: "a source the policy lacks", redirect: true, tamper: func(md *Metadata, _ string) { md.Sources[0].Name = "other" }, wantErr: `source "other" is not in policy`},
		{name: "another policy", tamper: func(md *Metadata, _ string) { md.Policy = "other" }, wantErr: `names policy "other"`},
		{name: "a command where the policy has paths", redirect: true, tamper: func(md *Metadata, _ string) { md.Sources[0].Kind = KindCommand }, wantErr: "the policy says otherwise"},
		{name: "an unknown kind", tamper: func(md *Metadata, _ string) { md.Sources[0].Kind = "other" }, wantErr: "neither"},
		{name: "a source twice", tamper: func(md *Metadata, _ string) { md.Sources = append(md.Sources, md.Sources[0]) }, wantErr: "twice"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			t.Chdir(work)
			base := filepath.Join(t.TempDir(), "base")
			makeTree(t, filepath.Join(base, "data"))
			makeTree(t, filepath.Join(base, "other"))
			victim := filepath.Join(filepath.Dir(base), "victim")
			makeTree(t, filepath.Join(victim, "data"))
			p := testPolicy(t, Source{Name: "files", BaseDir: base, Paths: []string{"data"}})
			res, err := Run(context.Background(), p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			mdFile := filepath.Join(p.Destination, res.ID, MetadataFile)
			var md Metadata
			if err := json.Unmarshal([]byte(readFile(t, mdFile)), &md); err != nil {
				t.Fatal(err)
			}
			tt.tamper(&md, victim)
			raw, _ := json.Marshal(md)
			if err := os.WriteFile(mdFile, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			// Damage the live tree, so that a restore would show.
			if err := os.WriteFile(filepath.Join(base, "data", "a.txt"), []byte("changed"), 0o600); err != nil {
				t.Fatal(err)
			}
			scratch := filepath.Join(t.TempDir(), "scratch")
			beforeBase, beforeVictim, beforeWork := snapshot(t, filepath.Dir(base)), snapshot(t, victim), snapshot(t, work)
			opts := RestoreOptions{}
			if tt.redirect {
				opts.To = scratch
			}
			_, err = Restore(p, res.ID, opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("restore: got %v, want an error containing %q", err, tt.wantErr)
			}
			assertSameTree(t, beforeBase, snapshot(t, filepath.Dir(base)))
			assertSameTree(t, beforeVictim, snapshot(t, victim))
			assertSameTree(t, beforeWork, snapshot(t, work))
			if _, err := os.Lstat(scratch); !os.IsNotExist(err) {
				t.Errorf("the -to directory was created: %v", err)
			}
		})
	}
}

// TestRestoreFollowsThePolicy: untampered metadata restores, in place and
// redirected, also when the policy has gained a path since the backup.
func TestRestoreFollowsThePolicy(t *testing.T) {
	base := t.TempDir()
	makeTree(t, filepath.Join(base, "data"))
	p := testPolicy(t, Source{Name: "files", BaseDir: base, Paths: []string{"data"}})
	res, err := Run(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	original := snapshot(t, base)
	p.Sources[0].Paths = append(p.Sources[0].Paths, "added-later")
	if err := os.WriteFile(filepath.Join(base, "data", "a.txt"), []byte("changed"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(p, res.ID, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	assertSameTree(t, original, snapshot(t, base))
	scratch := filepath.Join(t.TempDir(), "scratch")
	if _, err := Restore(p, res.ID, RestoreOptions{To: scratch}); err != nil {
		t.Fatal(err)
	}
	assertSameTree(t, snapshot(t, filepath.Join(base, "data")), snapshot(t, filepath.Join(scratch, "data")))
}
