package osfile

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// NonBlock is 0: Windows has no flag for not waiting on a named pipe.
const NonBlock = 0

// OpenNoFollow opens name with flag, failing with ErrSymlink when name is a
// symbolic link (or junction). Windows has no O_NOFOLLOW: the check
// precedes the open, and creating links there needs the administrator's or
// developer mode's privilege.
func OpenNoFollow(name string, flag int, perm fs.FileMode) (*os.File, error) {
	if info, err := os.Lstat(name); err == nil && info.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0 {
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrSymlink}
	}
	return os.OpenFile(name, flag, perm)
}

// lockOffsetHigh places the locked byte the locked byte lies: far past any content, since
// Windows locks are mandatory and would keep others from reading the
// holder information at the start of a lock file.
const lockOffsetHigh = 1 << 30

// TryLock takes an exclusive lock on f without waiting; ErrLocked when
// another process holds it. Windows drops it when the process dies.
func TryLock(f *os.File) error {
	ol := windows.Overlapped{OffsetHigh: lockOffsetHigh}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return ErrLocked
	}
	return err
}

// Unlock drops the lock TryLock took.
func Unlock(f *os.File) error {
	ol := windows.Overlapped{OffsetHigh: lockOffsetHigh}
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
}
