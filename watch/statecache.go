package watch

import (
	"os"

	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// The state as watch last read or wrote it, kept decoded between repairs:
// a targeted repair of one object need not read and decode every object's
// state again. It is used only while the file on disk is still that one
// (same inode, size and modification time: every write replaces the file
// by a rename, so another writer changes at least the inode); otherwise it
// is read again. A repair checks this after taking the state lock.
type stateCache struct {
	file *state.File
	info os.FileInfo // of the file file was read from or written to
}

// readState is the state on disk, decoded, from the cache when the file
// did not change since.
func (w *Watcher) readState() (*state.File, error) {
	info, statErr := os.Stat(w.opt.StatePath)
	if c := w.state; c.file != nil && statErr == nil && sameFile(c.info, info) {
		return c.file, nil
	}
	// Stat before reading: a file replaced in between is read again next
	// time rather than trusted.
	st, err := state.Read(w.opt.StatePath)
	if err != nil {
		w.state = stateCache{}
		return nil, err
	}
	w.state = stateCache{}
	if statErr == nil {
		w.state = stateCache{file: st, info: info}
	}
	return st, nil
}

// writeState saves f atomically (the caller holds the lock) and keeps it
// as the cached state; a failed write forgets the cache, whose objects an
// apply may have changed without the file saying so.
func (w *Watcher) writeState(f *state.File) error {
	if err := state.Write(w.opt.StatePath, f); err != nil {
		w.state = stateCache{}
		return err
	}
	w.state = stateCache{}
	if info, err := os.Stat(w.opt.StatePath); err == nil {
		w.state = stateCache{file: f, info: info}
	}
	return nil
}

func sameFile(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}
