//go:build unix

package osfile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// NonBlock makes an open return at once on a named pipe instead of waiting
// for a writer (0 where the OS has no such flag).
const NonBlock = syscall.O_NONBLOCK

// OpenNoFollow opens name with flag, failing with ErrSymlink when name is a
// symbolic link (O_NOFOLLOW: the check and the open are one step).
func OpenNoFollow(name string, flag int, perm fs.FileMode) (*os.File, error) {
	f, err := os.OpenFile(name, flag|syscall.O_NOFOLLOW, perm)
	// Linux and macOS say ELOOP, FreeBSD says EMLINK.
	if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK) {
		if info, lerr := os.Lstat(name); lerr == nil && info.Mode()&fs.ModeSymlink != 0 {
			return nil, &fs.PathError{Op: "open", Path: name, Err: ErrSymlink}
		}
	}
	return f, err
}

// TryLock takes an exclusive lock on f without waiting; ErrLocked when
// another process holds it. The OS drops it when the process dies.
func TryLock(f *os.File) error {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return ErrLocked
	}
	return err
}

// Unlock drops the lock TryLock took.
func Unlock(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_UN)
}
