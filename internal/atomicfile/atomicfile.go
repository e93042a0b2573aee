// Package atomicfile replaces local files atomically and privately. The
// engine's state, its backup and saved plans hold secrets: they must never
// be written through a planted symbolic link, nor be readable by others,
// not even for a moment.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spice-harvester/terraform-provider-spice/internal/osfile"
)

// Private is the mode of files holding state, plans or variables.
const Private fs.FileMode = 0o600

// Write replaces path with data. The data goes to a new file beside path
// with a random name, created exclusively and without following symbolic
// links (O_EXCL|O_NOFOLLOW: nothing planted under any name is opened) with
// mode 0600 from the start; it is synced, given mode perm when that is not
// 0600 (fmt keeps a configuration file's mode), and renamed over path. The
// rename replaces whatever entry path is, a symbolic link included, rather
// than writing through it. The directory is synced so the rename survives
// a crash.
func Write(path string, data []byte, perm fs.FileMode) error {
	if info, err := os.Lstat(path); err == nil && info.IsDir() {
		return fmt.Errorf("write %s: it is a directory", path)
	}
	dir := filepath.Dir(path)
	f, err := create(dir, tempPrefix(path))
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		_ = f.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if perm != Private {
		if err := f.Chmod(perm); err != nil {
			return fail(err)
		}
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// tempPrefix starts the name of every temporary file Write makes for path:
// ".NAME.tmp-", followed by 16 hex digits.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// RemoveStale removes the temporary files that a Write of path killed
// before its rename (kill -9, a crash) left beside path. Only names of
// exactly the form Write makes, and only regular files, are removed. The
// caller makes sure that no Write of path is running (it holds the lock of
// what path stores). It reports the names it removed.
func RemoveStale(path string) ([]string, error) {
	dir, prefix := filepath.Dir(path), tempPrefix(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list %s for stale temporary files: %w", dir, err)
	}
	var removed []string
	for _, e := range entries {
		random, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || len(random) != 16 || !e.Type().IsRegular() {
			continue
		}
		if _, err := hex.DecodeString(random); err != nil {
			continue
		}
		name := filepath.Join(dir, e.Name())
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("remove stale temporary file %s: %w", name, err)
		}
		removed = append(removed, name)
	}
	return removed, nil
}

// create makes a new private file named prefix plus random hex in dir.
func create(dir, prefix string) (*os.File, error) {
	for range 10 {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		name := filepath.Join(dir, prefix+hex.EncodeToString(b[:]))
		f, err := osfile.OpenNoFollow(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, Private)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("cannot create a temporary file in %s: names taken", dir)
}
