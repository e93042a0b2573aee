package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/internal/osfile"
)

// LockInfo says who holds a state lock, for the one who waits.
type LockInfo struct {
	ID        string    `json:"ID"`
	Operation string    `json:"Operation"`
	Who       string    `json:"Who"`
	Version   string    `json:"Version"`
	Created   time.Time `json:"Created"`
	Path      string    `json:"Path"`
}

// Lock is a held state lock.
type Lock struct {
	f *os.File
}

// ErrLocked reports a lock held by someone else.
type ErrLocked struct {
	Path string
	Info LockInfo
}

func (e *ErrLocked) Error() string {
	return fmt.Sprintf("state %s is locked by %s since %s (operation %s, lock ID %s)",
		e.Path, e.Info.Who, e.Info.Created.Format(time.RFC3339), e.Info.Operation, e.Info.ID)
}

// Acquire takes an exclusive flock on the lock file beside the state
// (.NAME.spice-lock), retrying until timeout, and writes who holds it into
// that file. The kernel releases the lock when the process dies, so a killed
// apply never leaves it stuck. The file itself stays: removing it would let
// a waiter and a newcomer lock two different files.
func Acquire(ctx context.Context, path, operation, version string, timeout time.Duration) (*Lock, error) {
	lockPath := lockFile(path)
	f, err := openLockFile(lockPath)
	if err != nil {
		return nil, fmt.Errorf("lock state: %w", err)
	}
	deadline := time.Now().Add(timeout)
	for {
		err = osfile.TryLock(f)
		if err == nil {
			break
		}
		if !errors.Is(err, osfile.ErrLocked) {
			_ = f.Close()
			return nil, fmt.Errorf("lock state: %w", err)
		}
		if time.Now().After(deadline) {
			info := readInfo(lockPath)
			_ = f.Close()
			return nil, &ErrLocked{Path: path, Info: info}
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	if h, err := os.Hostname(); err == nil {
		who += "@" + h
	}
	info := LockInfo{ID: newLineage(), Operation: operation, Who: fmt.Sprintf("%s (pid %d)", who, os.Getpid()), Version: version, Created: time.Now().UTC(), Path: path}
	b, _ := json.Marshal(info)
	_ = f.Truncate(0)
	_, _ = f.WriteAt(b, 0)
	_ = f.Sync()
	return &Lock{f: f}, nil
}

// openLockFile opens or creates the lock file, never through a symbolic
// link: taking the lock truncates the file and writes into it.
func openLockFile(path string) (*os.File, error) {
	f, err := osfile.OpenNoFollow(path, os.O_RDWR|os.O_CREATE|osfile.NonBlock, 0o600)
	if errors.Is(err, osfile.ErrSymlink) {
		return nil, fmt.Errorf("%s is a symbolic link, not spice's lock file; remove it", path)
	}
	if err != nil {
		return nil, err
	}
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		_ = f.Close()
		return nil, fmt.Errorf("%s is not a regular file, not spice's lock file; remove it", path)
	}
	return f, nil
}

func lockFile(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".spice-lock")
}

func readInfo(path string) LockInfo {
	var info LockInfo
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &info)
	}
	return info
}

// Release drops the lock and clears the holder information.
func (l *Lock) Release() error {
	_ = l.f.Truncate(0)
	err := osfile.Unlock(l.f)
	_ = l.f.Close()
	return err
}
