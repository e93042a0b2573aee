package backup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
)

// Removed is an incomplete backup that a run removed: what a run killed
// before it wrote metadata.json or FAILED left behind.
type Removed struct {
	ID    string
	Bytes int64
}

// removeIncomplete removes the backups that earlier runs left incomplete:
// directories named like a backup ID holding neither metadata.json nor
// FAILED. Only a run that was killed (SIGKILL, power loss, OOM) leaves one:
// a run writes metadata.json last and atomically when it succeeds, FAILED
// when it fails, and holds the destination lock throughout, so while the
// caller holds that lock no other run is writing there. A complete backup
// is never a candidate, nor a failed one (retention removes those), nor one
// whose metadata.json is there but unreadable (that is damage for the
// operator to see, not a crash). Removal goes through an os.Root on the
// destination, as prune's does.
func removeIncomplete(p *Policy) ([]Removed, error) {
	backups, err := List(p)
	if err != nil {
		return nil, err
	}
	var candidates []Backup
	for _, b := range backups {
		if b.Status == StatusIncomplete && b.Reason == "" {
			candidates = append(candidates, b)
		}
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	root, err := os.OpenRoot(p.Destination)
	if err != nil {
		return nil, fmt.Errorf("remove incomplete backups of policy %s: %w", p.Name, err)
	}
	defer func() { _ = root.Close() }()
	var removed []Removed
	var errs []error
	for _, b := range candidates {
		if !leftByKilledRun(root, b.ID) {
			continue
		}
		size := treeSize(root, b.ID)
		if err := root.RemoveAll(b.ID); err != nil {
			errs = append(errs, fmt.Errorf("remove incomplete backup %s of policy %s: %w", b.ID, p.Name, err))
			continue
		}
		removed = append(removed, Removed{ID: b.ID, Bytes: size})
	}
	return removed, errors.Join(errs...)
}

// leftByKilledRun checks again, inside the root, that id is a real
// directory with neither metadata.json nor FAILED in it.
func leftByKilledRun(root *os.Root, id string) bool {
	if info, err := root.Lstat(id); err != nil || !info.IsDir() {
		return false
	}
	for _, marker := range []string{MetadataFile, FailedFile} {
		if _, err := root.Lstat(path.Join(id, marker)); !errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	return true
}

// treeSize adds up the sizes of the regular files below dir in root.
func treeSize(root *os.Root, dir string) int64 {
	var size int64
	_ = fs.WalkDir(root.FS(), dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	return size
}
