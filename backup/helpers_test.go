package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testPolicy returns a valid policy whose destination is a fresh temp dir.
func testPolicy(t testing.TB, sources ...Source) *Policy {
	t.Helper()
	return &Policy{Name: "test", Destination: filepath.Join(t.TempDir(), "backups"), Sources: sources, Retention: Retention{Days: 7}}
}

// makeTree writes a small tree with the kinds of entries a backup keeps:
// modes, nested and empty directories, relative and absolute symlinks.
func makeTree(t testing.TB, dir string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "sub", "deep"), 0o755))
	must(os.Mkdir(filepath.Join(dir, "empty"), 0o750))
	must(os.WriteFile(filepath.Join(dir, "a.txt"), []byte("alpha\n"), 0o640))
	big := make([]byte, 200<<10)
	for i := range big {
		big[i] = byte(i * 7 % 251)
	}
	must(os.WriteFile(filepath.Join(dir, "sub", "b.bin"), big, 0o600))
	must(os.WriteFile(filepath.Join(dir, "sub", "deep", "run.sh"), []byte("#!/bin/sh\n"), 0o755))
	must(os.Symlink("a.txt", filepath.Join(dir, "link")))
	must(os.Symlink("/nonexistent/target", filepath.Join(dir, "sub", "abslink")))
	old := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	must(os.Chtimes(filepath.Join(dir, "a.txt"), old, old))
}

// snapshot describes every entry below dir (type, mode, owner, content
// digest or link target, file mtime), to compare trees.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err != nil {
			return err
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: no owner information", path)
		}
		desc := fmt.Sprintf("%s %d:%d", info.Mode(), st.Uid, st.Gid)
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			desc += " -> " + target
		case info.Mode().IsRegular():
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			desc += " " + hex.EncodeToString(sum[:]) + " " + info.ModTime().UTC().Format(time.RFC3339Nano)
		}
		if rel != "." {
			out[rel] = desc
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

func assertSameTree(t *testing.T, want, got map[string]string) {
	t.Helper()
	for k, w := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("%s: missing (want %s)", k, w)
		} else if g != w {
			t.Errorf("%s: got %s, want %s", k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: unexpected entry %s", k, g)
		}
	}
}

// noStaging fails when a restore left a staging directory behind.
func noStaging(t *testing.T, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), ".spice-restore-") {
				t.Errorf("staging left behind: %s", path)
			}
			return nil
		})
	}
}

func ids(backups []Backup) []string {
	out := make([]string, len(backups))
	for i, b := range backups {
		out[i] = b.ID + ":" + b.Status
	}
	return out
}
