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
	f, err := create(dir, "."+filepath.Base(path)+".tmp-")
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
