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
	release func() error
}

// ErrLocked reports a lock held by someone else.
type ErrLocked struct {
	Path string
	Info LockInfo
}

func (e *ErrLocked) Error() string {
	msg := fmt.Sprintf("state %s is locked by %s", e.Path, e.Info.Who)
	if !e.Info.Created.IsZero() {
		msg += " since " + e.Info.Created.Format(time.RFC3339)
	}
	if e.Info.Operation != "" {
		msg += " (operation " + e.Info.Operation
		if e.Info.ID != "" {
			msg += ", lock ID " + e.Info.ID
		}
		msg += ")"
	}
	return msg
}

// Acquire takes the local backend's lock on the state at path: see
// AcquireStore and localStore.TryLock.
func Acquire(ctx context.Context, path, operation, version string, timeout time.Duration) (*Lock, error) {
	return AcquireStore(ctx, LocalStore(path), operation, version, timeout)
}

// AcquireStore takes a store's state lock, retrying until timeout
// (-lock-timeout); the error names the holder.
func AcquireStore(ctx context.Context, s Store, operation, version string, timeout time.Duration) (*Lock, error) {
	info := NewLockInfo(operation, version, s.String())
	deadline := time.Now().Add(timeout)
	for {
		release, err := s.TryLock(ctx, info)
		if err == nil {
			return &Lock{release: release}, nil
		}
		var locked *ErrLocked
		if !errors.As(err, &locked) || time.Now().After(deadline) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// NewLockInfo describes this process as the holder of a lock.
func NewLockInfo(operation, version, path string) LockInfo {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	if h, err := os.Hostname(); err == nil {
		who += "@" + h
	}
	return LockInfo{ID: newLineage(), Operation: operation, Who: fmt.Sprintf("%s (pid %d)", who, os.Getpid()), Version: version, Created: time.Now().UTC(), Path: path}
}

// TryLock takes an exclusive flock on the lock file beside the state
// (.NAME.spice-lock) and writes who holds it into that file. The kernel
// releases the lock when the process dies, so a killed apply never leaves
// it stuck. The file itself stays: removing it would let a waiter and a
// newcomer lock two different files.
func (p localStore) TryLock(_ context.Context, info LockInfo) (func() error, error) {
	lockPath := lockFile(string(p))
	f, err := openLockFile(lockPath)
	if err != nil {
		return nil, fmt.Errorf("lock state: %w", err)
	}
	if err := osfile.TryLock(f); err != nil {
		_ = f.Close()
		if errors.Is(err, osfile.ErrLocked) {
			return nil, &ErrLocked{Path: string(p), Info: readInfo(lockPath)}
		}
		return nil, fmt.Errorf("lock state: %w", err)
	}
	b, _ := json.Marshal(info)
	_ = f.Truncate(0)
	_, _ = f.WriteAt(b, 0)
	_ = f.Sync()
	return func() error {
		_ = f.Truncate(0)
		err := osfile.Unlock(f)
		_ = f.Close()
		return err
	}, nil
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
func (l *Lock) Release() error { return l.release() }
