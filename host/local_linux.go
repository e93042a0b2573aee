package host

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// The Linux system calls of the local transport (see localfs.go); the
// macOS ones are in local_darwin.go.

// searchOnly opens a directory this user may search but not list.
const searchOnly = unix.O_PATH

// openNoFollow opens name in dirfd itself, a link as the link, without
// reading or waiting on it (O_PATH), for fstat, readlink and attributes.
func openNoFollow(dirfd int, name string) (int, error) {
	return unix.Openat(dirfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
}

// readlinkOf reads the target of the link fd holds (opened by
// openNoFollow as name in dirfd).
func readlinkOf(fd, _ int, _ string) (string, error) {
	return readlinkAt(fd, "")
}

// openat2Missing is set once openat2 is found missing (Linux < 5.6) or
// refused (a seccomp filter), so that it is not asked again.
var openat2Missing atomic.Bool

// openDirBeneath opens the directory comps name below dirfd in one system
// call: the common case, for which resolveDir's walk pays an open and a
// close per component. It opens the directory for reading, where the walk
// needs only search permission (O_PATH), so it succeeds only when no
// symbolic link is on the way and the directory can be listed. ok is false
// (and nothing is open) on anything else, a link, a missing or unreadable
// directory, a refusal, for the walk to resolve or report.
func openDirBeneath(dirfd int, comps []string) (fd int, ok bool) {
	if openat2Missing.Load() {
		return -1, false
	}
	name := "."
	if len(comps) > 0 {
		name = strings.Join(comps, "/")
	}
	fd, err := unix.Openat2(dirfd, name, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS,
	})
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
		openat2Missing.Store(true)
	}
	return fd, err == nil
}

// renameNoReplace renames from to to in dirfd unless to exists (EEXIST).
func renameNoReplace(dirfd int, from, to string) error {
	return unix.Renameat2(dirfd, from, dirfd, to, unix.RENAME_NOREPLACE)
}

// setAttrsFd applies attrs to the object an openNoFollow descriptor (or
// any other) holds: ownership first, since chown clears setuid and setgid.
func setAttrsFd(fd int, attrs Attrs) error {
	if attrs.UID != KeepID || attrs.GID != KeepID {
		if err := unix.Fchownat(fd, "", attrs.UID, attrs.GID, unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return fmt.Errorf("chown: %w", err)
		}
	}
	err := unix.Fchmodat(fd, "", uint32(attrs.Perm), unix.AT_EMPTY_PATH)
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
		// Before fchmodat2 (Linux 6.6): the descriptor's /proc link is
		// the very object opened, never a path looked up again.
		err = unix.Chmod(fmt.Sprintf("/proc/self/fd/%d", fd), uint32(attrs.Perm))
	}
	if err != nil {
		return fmt.Errorf("chmod: %w", err)
	}
	return nil
}
