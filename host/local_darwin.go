package host

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// The macOS system calls of the local transport (see localfs.go), with
// the guarantees of the Linux ones in local_linux.go: a link is never
// followed at a managed path's last name, a directory is made complete
// before it appears, and attributes change the object opened, never a
// path looked up again.

// searchOnly opens a directory this user may search but not list.
const searchOnly = unix.O_SEARCH

// openNoFollow opens name in dirfd itself: O_SYMLINK opens a link as the
// link rather than its target (macOS has no O_PATH), O_NONBLOCK keeps a
// named pipe from waiting for a writer.
func openNoFollow(dirfd int, name string) (int, error) {
	return unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_SYMLINK|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
}

// readlinkOf reads the target of the link opened as name in dirfd: macOS
// has no readlink on a descriptor. resolveDir checked the link's owner on
// fd; only that owner (or root) can replace a link in a sticky directory.
func readlinkOf(_, dirfd int, name string) (string, error) {
	return readlinkAt(dirfd, name)
}

// openDirBeneath is never the quick way here: resolveDir walks.
func openDirBeneath(int, []string) (int, bool) { return -1, false }

// renameNoReplace renames from to to in dirfd unless to exists (EEXIST):
// renameatx_np with RENAME_EXCL.
func renameNoReplace(dirfd int, from, to string) error {
	return unix.RenameatxNp(dirfd, from, dirfd, to, unix.RENAME_EXCL)
}

// setAttrsFd applies attrs to the object an openNoFollow descriptor (or
// any other) holds: ownership first, since chown clears setuid and setgid.
func setAttrsFd(fd int, attrs Attrs) error {
	if attrs.UID != KeepID || attrs.GID != KeepID {
		if err := unix.Fchown(fd, attrs.UID, attrs.GID); err != nil {
			return fmt.Errorf("chown: %w", err)
		}
	}
	if err := unix.Fchmod(fd, uint32(attrs.Perm)); err != nil {
		return fmt.Errorf("chmod: %w", err)
	}
	return nil
}
