package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzPaths are the paths a fuzzed archive is restored for: one at the
// base directory's top, one nested.
var fuzzPaths = []string{"etc", "data/x"}

// tarOf writes entries into a tar archive; a Typeflag 0 header is a file.
func tarOf(tb testing.TB, entries ...tar.Header) []byte {
	tb.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range entries {
		content := []byte(nil)
		if h.Typeflag == 0 || h.Typeflag == tar.TypeReg {
			h.Typeflag = tar.TypeReg
			content = []byte("content of " + h.Name + "\n")
			h.Size = int64(len(content))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(&h); err != nil {
			tb.Fatal(err)
		}
		if _, err := tw.Write(content); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// archiveSeeds: what a backup of fuzzPaths writes, and archives built to
// escape the target: "..", absolute names, an entry through a symlink an
// earlier entry made, hard links, duplicates, a file where a directory
// must be, devices.
func archiveSeeds(f *testing.F) [][]byte {
	base := f.TempDir()
	makeTree(f, filepath.Join(base, "etc"))
	makeTree(f, filepath.Join(base, "data", "x"))
	var real bytes.Buffer
	if err := writeTar(context.Background(), &real, base, fuzzPaths); err != nil {
		f.Fatal(err)
	}
	dir := func(name string) tar.Header { return tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755} }
	link := func(name, target string) tar.Header {
		return tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: target}
	}
	return [][]byte{
		real.Bytes(),
		tarOf(f, dir("etc/"), tar.Header{Name: "etc/a"}, dir("data/x/"), tar.Header{Name: "data/x/b", Mode: 0o4755}),
		tarOf(f, tar.Header{Name: "../outside/pwned"}),
		tarOf(f, tar.Header{Name: "/etc/pwned"}),
		tarOf(f, tar.Header{Name: "etc/../../outside/pwned"}),
		tarOf(f, tar.Header{Name: "etc/./a"}),
		tarOf(f, dir("etc/"), link("etc/up", "../../outside"), tar.Header{Name: "etc/up/pwned"}),
		tarOf(f, link("etc", "../outside"), tar.Header{Name: "etc/pwned"}),
		tarOf(f, dir("etc/"), link("etc/abs", "/"), tar.Header{Name: "etc/abs/tmp/pwned"}),
		tarOf(f, dir("etc/"), tar.Header{Name: "etc/a"}, tar.Header{Name: "etc/hard", Typeflag: tar.TypeLink, Linkname: "etc/a"}),
		tarOf(f, tar.Header{Name: "etc/a"}, tar.Header{Name: "etc/a"}),
		tarOf(f, tar.Header{Name: "etc"}, tar.Header{Name: "etc/a"}),
		tarOf(f, tar.Header{Name: "etc/null", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3}),
		tarOf(f, tar.Header{Name: "data/xy"}, tar.Header{Name: "data"}),
		{},
	}
}

// FuzzStageTar: whatever an archive holds (a backup is read back from a
// destination anyone with access to it could have altered), staging it
// for a restore does not panic, and it writes nothing outside the staging
// directories it makes beside each target: no name, symlink or hard link
// in the archive reaches a file elsewhere.
func FuzzStageTar(f *testing.F) {
	for _, s := range archiveSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, archive []byte) {
		sandbox := t.TempDir()
		destination, outside, base := filepath.Join(sandbox, "backups"), filepath.Join(sandbox, "outside"), filepath.Join(sandbox, "base")
		for _, d := range []string{destination, outside} {
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		const id = "20260101T000000Z"
		pls, err := stageTar(destination, id, base, fuzzPaths, bytes.NewReader(archive))
		if err == nil {
			for _, pl := range pls {
				if _, err := os.Lstat(pl.staged()); err != nil {
					t.Fatalf("staged without %s: %v", pl.staged(), err)
				}
			}
		}
		expected := map[string]bool{".": true, "backups": true, "outside": true, "base": true, "base/data": true}
		err = filepath.WalkDir(sandbox, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(sandbox, p)
			if err != nil {
				return err
			}
			if expected[rel] || strings.HasPrefix(rel, "base/.spice-restore-"+id+"-") || strings.HasPrefix(rel, "base/data/.spice-restore-"+id+"-") {
				return nil
			}
			t.Errorf("the archive wrote %s outside the staging directories", rel)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzStageCompressed: whatever a compressed archive holds (a zstd or gzip
// stream that is truncated, hostile, or declares a huge window), reading it
// back as a restore does, through the decompressor its metadata names,
// does not panic and writes nothing outside the staging directories. The
// seeds are FuzzStageTar's archives compressed as a backup stores them,
// plus broken streams.
func FuzzStageCompressed(f *testing.F) {
	for _, compression := range []string{CompressionZstd, CompressionGzip} {
		for _, archive := range archiveSeeds(f) {
			var b bytes.Buffer
			w, err := newCompressor(&b, compression, 1)
			if err != nil {
				f.Fatal(err)
			}
			if _, err := w.Write(archive); err != nil {
				f.Fatal(err)
			}
			if err := w.Close(); err != nil {
				f.Fatal(err)
			}
			f.Add(compression, b.Bytes())
			f.Add(compression, b.Bytes()[:b.Len()/2])
		}
	}
	// A zstd frame header declaring a 2 GiB window, and plain garbage.
	f.Add(CompressionZstd, []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8, 0x00, 0x00})
	f.Add(CompressionZstd, []byte("not zstd at all"))
	f.Fuzz(func(t *testing.T, compression string, stored []byte) {
		sandbox := t.TempDir()
		destination, base := filepath.Join(sandbox, "backups"), filepath.Join(sandbox, "base")
		if err := os.Mkdir(destination, 0o755); err != nil {
			t.Fatal(err)
		}
		r, err := newDecompressor(bytes.NewReader(stored), compression)
		if err != nil {
			return
		}
		defer func() { _ = r.Close() }()
		const id = "20260101T000000Z"
		_, _ = stageTar(destination, id, base, fuzzPaths, r)
		err = filepath.WalkDir(sandbox, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(sandbox, p)
			switch {
			case rel == "." || rel == "backups" || rel == "base" || rel == "base/data",
				strings.HasPrefix(rel, "base/.spice-restore-"+id+"-"), strings.HasPrefix(rel, "base/data/.spice-restore-"+id+"-"):
			default:
				t.Errorf("the archive wrote %s outside the staging directories", rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzReadBackup: whatever a backup directory's metadata.json and FAILED
// hold, and whatever it is named, listing the destination and verifying
// the backup do not panic. Only a directory named like a backup ID is
// listed, an ID read from a name is written back as that name, a backup
// is complete only with metadata naming it, and verifying fails with one
// of the errors callers tell apart.
func FuzzReadBackup(f *testing.F) {
	good := `{"format_version": 1, "id": "20261129T020000Z", "policy": "test", "host": "h", "status": "complete",
		"started_at": "2026-11-29T02:00:00Z", "finished_at": "2026-11-29T02:00:01Z", "bytes": 0, "compression": "none",
		"sources": [{"name": "config", "kind": "paths", "file": "config.tar", "bytes": 0,
		"sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "base_dir": "/etc", "paths": ["spice"]}]}`
	for _, s := range []struct{ name, metadata, failed string }{
		{"20261129T020000Z", good, ""},
		{"20261129T020000Z", good, "disk full\n"},
		{"20261129T020000Z-2", strings.Replace(good, `"20261129T020000Z"`, `"20261129T020000Z-2"`, 1), ""},
		{"20261129T020000Z", strings.Replace(good, `"config.tar"`, `"../../etc/passwd"`, 1), ""},
		{"20261129T020000Z", `{"id": "20261129T020000Z", "sources": [{"file": "missing.tar"}]}`, ""},
		{"20261129T020000Z", `{"id": "other"}`, ""},
		{"20261129T020000Z", `{"id": `, ""},
		{"20261129T020000Z", "", ""},
		{"20261129T020000Z-0", good, ""},
		{"20261129T020000Z-01", good, ""},
		{"20261331T020000Z", good, ""},
		{"not-a-backup", good, ""},
	} {
		f.Add(s.name, []byte(s.metadata), []byte(s.failed))
	}
	f.Fuzz(func(t *testing.T, name string, metadata, failed []byte) {
		if id, ok := parseID(name); ok && formatID(id.time, id.suffix) != name {
			t.Fatalf("parseID(%q) = %s, %d, written back as %q", name, id.time, id.suffix, formatID(id.time, id.suffix))
		}
		if !filepath.IsLocal(name) || strings.ContainsAny(name, "/\x00") {
			return
		}
		p := testPolicy(t)
		dir := filepath.Join(p.Destination, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Skip(err) // a name this file system refuses (too long)
		}
		if len(metadata) > 0 {
			if err := os.WriteFile(filepath.Join(dir, MetadataFile), metadata, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if len(failed) > 0 {
			if err := os.WriteFile(filepath.Join(dir, FailedFile), failed, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "config.tar"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		backups, err := List(p)
		if err != nil {
			t.Fatal(err)
		}
		_, isID := parseID(name)
		if len(backups) != map[bool]int{true: 1, false: 0}[isID] {
			t.Fatalf("%q listed as %+v", name, backups)
		}
		if !isID {
			return
		}
		b := backups[0]
		if b.Complete() && (b.Metadata == nil || b.Metadata.ID != name || len(failed) > 0) {
			t.Fatalf("%q complete with metadata %+v", name, b.Metadata)
		}
		if !b.Time.Equal(b.Time.UTC().Truncate(time.Second)) {
			t.Fatalf("%q: time %s", name, b.Time)
		}
		md, err := Verify(p, name)
		switch {
		case err == nil && (md == nil || !b.Complete()):
			t.Fatalf("%q verified: %+v, listed %+v", name, md, b)
		case err != nil && !errors.Is(err, ErrIncomplete) && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotFound):
			t.Fatalf("%q: an error callers cannot tell apart: %v", name, err)
		}
	})
}
