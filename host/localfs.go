//go:build linux || darwin

package host

import (
	"errors"
	"fmt"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Local never resolves a managed path as a string. Every operation opens
// the parent directory by walking it one component at a time from root
// (resolveDir), then acts on the last name relative to that directory with
// the *at system calls, never following a symbolic link there: a link at a
// managed path is reported as a link, replaced by a write, removed by a
// remove, and never read, written, chmod-ed or chown-ed through.
//
// In image mode a link met on the way is resolved as the managed system
// would, with root as "/" (an absolute target starts again at root, ".."
// stops at root), so nothing outside root is ever reached. On the live
// system ("/") a link in a parent directory is followed only when root or
// spice's own user owns it: such a link is part of the system
// (/var/run -> /run), while one another user planted could send a write
// anywhere.

// resolveDir opens the directory that the components name below root as
// a directory descriptor, following links as the package comment says.
// With create, missing directories are made 0755. The descriptor can be
// read (listed, synced) unless the directory only lets this user search it.
func (l *Local) resolveDir(comps []string, create bool) (int, error) {
	if !create { // a write sweeps each directory on the way: it walks
		fd, ok := openDirBeneath(l.rootFd, comps)
		runtime.KeepAlive(l) // its cleanup closes l.rootFd
		if ok {
			return fd, nil
		}
	}
	rootFd, err := unix.FcntlInt(uintptr(l.rootFd), unix.F_DUPFD_CLOEXEC, 0)
	runtime.KeepAlive(l) // its cleanup closes l.rootFd
	if err != nil {
		return -1, fmt.Errorf("root %s: %w", l.root, err)
	}
	stack := []int{rootFd} // the directories from root to the current one
	var names []string     // their names, for messages
	defer func() {
		for _, fd := range stack {
			_ = unix.Close(fd)
		}
	}()
	where := func() string { return "/" + strings.Join(names, "/") }
	followed, created := 0, 0
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		switch c {
		case ".":
			continue
		case "..":
			if len(stack) > 1 {
				_ = unix.Close(stack[len(stack)-1])
				stack, names = stack[:len(stack)-1], names[:len(names)-1]
			}
			continue
		}
		cur := stack[len(stack)-1]
		if create {
			l.swept.sweep(cur)
		}
		fd, err := openDirAt(cur, c, true)
		switch {
		case err == nil:
			stack, names = append(stack, fd), append(names, c)
			continue
		case errors.Is(err, unix.ENOENT) && create && created < maxSymlinks:
			created++
			if err := mkdirAt(cur, c); err != nil {
				return -1, fmt.Errorf("create %s: %w", path.Join(where(), c), err)
			}
			comps = append([]string{c}, comps...) // look again at what is there now
			continue
		case !errors.Is(err, unix.ELOOP) && !errors.Is(err, unix.ENOTDIR):
			return -1, err
		}
		// Not a directory: a link to resolve, or an error.
		fd, err = openNoFollow(cur, c)
		if err != nil {
			return -1, err
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			_ = unix.Close(fd)
			return -1, err
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFDIR: // replaced by a directory meanwhile
			stack, names = append(stack, fd), append(names, c)
		case unix.S_IFLNK:
			target, err := readlinkOf(fd, cur, c)
			_ = unix.Close(fd)
			if err != nil {
				return -1, err
			}
			link := path.Join(where(), c)
			if followed++; followed > maxSymlinks {
				return -1, fmt.Errorf("%s: %w", link, unix.ELOOP)
			}
			if l.root == "/" && st.Uid != 0 && int(st.Uid) != os.Geteuid() {
				return -1, fmt.Errorf("%s is %w: it is owned by uid %d, and only links owned by root are followed in a managed path's parents", link, ErrSymlink, st.Uid)
			}
			if target == "" {
				return -1, fmt.Errorf("%s: empty link: %w", link, unix.ENOENT)
			}
			if strings.HasPrefix(target, "/") {
				for _, fd := range stack[1:] {
					_ = unix.Close(fd)
				}
				stack, names = stack[:1], names[:0]
			}
			comps = append(splitPath(target), comps...)
		default:
			_ = unix.Close(fd)
			return -1, fmt.Errorf("%s: %w", path.Join(where(), c), unix.ENOTDIR)
		}
	}
	// The last descriptor is the caller's now.
	top := stack[len(stack)-1]
	stack = stack[:len(stack)-1]
	return top, nil
}

// openDirAt opens the directory name in dirfd for reading, or only for
// lookups where this user may search it but not list it. With nofollow,
// a link there is ELOOP or ENOTDIR.
func openDirAt(dirfd int, name string, nofollow bool) (int, error) {
	flags := unix.O_DIRECTORY | unix.O_CLOEXEC
	if nofollow {
		flags |= unix.O_NOFOLLOW
	}
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|flags, 0)
	if errors.Is(err, unix.EACCES) {
		fd, err = unix.Openat(dirfd, name, searchOnly|flags, 0)
	}
	return fd, err
}

// mkdirAt creates the directory name in dirfd with mode 0755, whatever the
// umask: made complete under a temporary name, then renamed into place
// only if nothing is there yet, so that a directory created meanwhile (by
// a directory resource applied in parallel) keeps its own mode.
func mkdirAt(dirfd int, name string) error {
	tmp := tempDirName(name, localCreator)
	if err := unix.Mkdirat(dirfd, tmp, 0o700); err != nil {
		return err
	}
	fd, err := unix.Openat(dirfd, tmp, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err == nil {
		err = unix.Fchmod(fd, 0o755)
		_ = unix.Close(fd)
	}
	if err == nil {
		err = renameNoReplace(dirfd, tmp, name)
		if errors.Is(err, unix.EEXIST) {
			err = nil // made meanwhile: the caller looks at what is there
		}
	}
	_ = unix.Unlinkat(dirfd, tmp, unix.AT_REMOVEDIR) // nothing left when renamed
	return err
}

func readlinkAt(dirfd int, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// kindOf names what a non-regular file is, for messages.
func kindOf(st *unix.Stat_t) string {
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFLNK:
		return "a symbolic link"
	case unix.S_IFDIR:
		return "a directory"
	case unix.S_IFIFO:
		return "a named pipe"
	case unix.S_IFSOCK:
		return "a socket"
	case unix.S_IFCHR, unix.S_IFBLK:
		return "a device"
	case unix.S_IFREG:
		return fmt.Sprintf("a file with %d hard links", st.Nlink)
	}
	return "of unknown type"
}

// notRegular is the error for st, which is not a regular file with one name.
func notRegular(st *unix.Stat_t) error {
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return fmt.Errorf("%w: %w", ErrNotRegular, ErrSymlink)
	}
	return fmt.Errorf("%w: %s", ErrNotRegular, kindOf(st))
}

// plainFile reports whether st is a regular file with a single name: one
// that can be read or changed without reaching another path.
func plainFile(st *unix.Stat_t) bool {
	return st.Mode&unix.S_IFMT == unix.S_IFREG && st.Nlink == 1
}

func sameFile(a, b *unix.Stat_t) bool { return a.Dev == b.Dev && a.Ino == b.Ino }

// localCreator marks the temporary names this process makes (see
// tempname.go).
var localCreator = creatorTag(os.Getpid())

// Stale temporary entries on Local. Before this process's first write,
// link or mkdir into a directory, the directory and every one above it
// (up to root) are swept, once each per Local, as SSH does (ssh_sweep.go).
// An entry is removed only when all of these hold:
//   - its name has exactly the temporary form (tempname.go);
//   - its creator is known (not 00000000), is not this process, and has
//     exited: no process has its id;
//   - it is owned by this process's user;
//   - a .spice-tmp entry is a regular file with one name and no write
//     holds its lock (each write keeps its temporary file locked until
//     the rename, so the lock proves a live write even where a process
//     id was reused); a .spice-mkdir entry is a directory, removed with
//     rmdir, which removes only an empty one.
//
// Nothing is followed: entries are looked at with AT_SYMLINK_NOFOLLOW and
// opened with O_NOFOLLOW. A write also removes the fixed temporary name
// of earlier versions of the file it writes (".NAME.spice-tmp"), by the
// same checks. Errors only mean that less was removed. A spice in another
// PID namespace writing the same directory is not seen as live: its
// temporary files stay safe by their lock, but a directory it is making
// can be removed (that mkdir fails, and its next apply makes it).
//
// Each directory is listed once: listing it for every write would make
// writing N files into one directory cost O(N^2).
type sweptDirs struct {
	mu   sync.Mutex
	dirs map[dirID]bool
}

// dirID names a directory by its file system and inode; a caller holds a
// descriptor of it, so they cannot name another directory meanwhile.
type dirID struct{ dev, ino uint64 }

func dirIDOf(dirfd int) (dirID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(dirfd, &st); err != nil {
		return dirID{}, err
	}
	return dirID{uint64(st.Dev), st.Ino}, nil //nolint:unconvert // Dev is int32 on darwin
}

// sweep removes dirfd's stale temporary entries, unless done before.
func (t *sweptDirs) sweep(dirfd int) {
	id, err := dirIDOf(dirfd)
	if err != nil {
		return
	}
	t.mu.Lock()
	done := t.dirs[id]
	if !done {
		if t.dirs == nil {
			t.dirs = map[dirID]bool{}
		}
		t.dirs[id] = true
	}
	t.mu.Unlock()
	if done {
		return
	}
	euid := uint32(os.Geteuid())
	for _, e := range listTemps(dirfd) {
		suffix, creator, ok := parseTemp(e)
		if !ok || creator == 0 || creatorTag(creator) == localCreator || processExists(creator) {
			continue
		}
		var st unix.Stat_t
		if unix.Fstatat(dirfd, e, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Uid != euid {
			continue
		}
		switch {
		case suffix == tempSuffix && plainFile(&st):
			removeIfUnlocked(dirfd, e, &st)
		case suffix == mkdirSuffix && st.Mode&unix.S_IFMT == unix.S_IFDIR:
			_ = unix.Unlinkat(dirfd, e, unix.AT_REMOVEDIR)
		}
	}
}

// processExists reports whether a process pid runs.
func processExists(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}

// removeLegacyTemp removes the fixed temporary name ".NAME.spice-tmp" of
// earlier versions in dirfd, by the checks of sweep.
func removeLegacyTemp(dirfd int, name string) {
	legacy := "." + name + tempSuffix
	var st unix.Stat_t
	if unix.Fstatat(dirfd, legacy, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && plainFile(&st) && st.Uid == uint32(os.Geteuid()) {
		removeIfUnlocked(dirfd, legacy, &st)
	}
}

// listTemps lists the entries of dirfd named like temporary entries.
func listTemps(dirfd int) []string {
	list, err := unix.Openat(dirfd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	d := os.NewFile(uintptr(list), "")
	entries, _ := d.Readdirnames(-1)
	_ = d.Close()
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e, tempSuffix) || strings.HasSuffix(e, mkdirSuffix) {
			out = append(out, e)
		}
	}
	return out
}

func removeIfUnlocked(dirfd int, entry string, seen *unix.Stat_t) {
	fd, err := unix.Openat(dirfd, entry, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer func() { _ = unix.Close(fd) }()
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || !sameFile(&st, seen) || !plainFile(&st) {
		return
	}
	if unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) != nil {
		return // a write in progress
	}
	// Still the same entry: only then is the name removed.
	var now unix.Stat_t
	if unix.Fstatat(dirfd, entry, &now, unix.AT_SYMLINK_NOFOLLOW) == nil && sameFile(&now, &st) {
		_ = unix.Unlinkat(dirfd, entry, 0)
	}
}

// writeAt writes content to a fresh temporary file in dirfd and renames it
// over name. The file is created empty and private (mode 0, O_EXCL, never
// through a link), gets its ownership and mode while still empty, and only
// then its content: no one who may not read the final file can ever open
// it, and a link or file planted under a temporary name is never used.
func writeAt(dirfd int, name string, content []byte, attrs Attrs, syncs *dirSyncs) (err error) {
	tmp := tempName(name, localCreator)
	fd, err := unix.Openat(dirfd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.EEXIST) {
		return errTempLost
	}
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), tmp)
	renamed := false
	defer func() {
		if !renamed {
			var own, now unix.Stat_t
			if unix.Fstat(fd, &own) == nil && unix.Fstatat(dirfd, tmp, &now, unix.AT_SYMLINK_NOFOLLOW) == nil && sameFile(&own, &now) {
				_ = unix.Unlinkat(dirfd, tmp, 0)
			}
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	// Locked until renamed: a cleanup of stale temporary files leaves it.
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return errTempLost
	}
	if err := setAttrsFd(fd, attrs); err != nil {
		return err
	}
	if _, err := f.Write(content); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := unix.Renameat(dirfd, tmp, dirfd, name); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return errTempLost
		}
		return err
	}
	renamed = true
	return syncs.sync(dirfd)
}

// syncDir makes a rename in dirfd durable: without it a crash can forget
// the new directory entry even though the file's data was synced. A
// directory this user may only search cannot be synced (EBADF): the
// rename is then as durable as the file system makes it.
func syncDir(dirfd int) error {
	if err := unix.Fsync(dirfd); err != nil && !errors.Is(err, unix.EBADF) {
		return err
	}
	return nil
}

// dirSyncs shares directory syncs between concurrent writes (group
// commit): a sync of a directory that starts after a rename in it makes
// that rename durable, so writers into one directory who wait together
// need one sync between them, not one each. Writing 10,000 files into one
// directory with -parallelism=10 takes far fewer syncs of it.
type dirSyncs struct {
	mu   sync.Mutex
	dirs map[dirID]*dirSync // directories someone syncs or waits on now
}

type dirSync struct {
	wake    sync.Cond // on dirSyncs.mu
	running bool      // a sync runs, started as number started
	started uint64    // syncs started
	done    uint64    // the number of the last sync that ended
	failed  uint64    // the number of the last sync that failed, 0 for none
	err     error     // its error
	users   int       // callers holding the entry
}

// sync makes the renames done in dirfd before the call durable, as
// syncDir does, and reports a failure of the sync that covered them (or a
// later one, which is the safe side).
func (s *dirSyncs) sync(dirfd int) error {
	id, err := dirIDOf(dirfd)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dirs == nil {
		s.dirs = map[dirID]*dirSync{}
	}
	d := s.dirs[id]
	if d == nil {
		d = &dirSync{}
		d.wake.L = &s.mu
		s.dirs[id] = d
	}
	d.users++
	defer func() {
		if d.users--; d.users == 0 {
			delete(s.dirs, id)
		}
	}()
	// A sync running now may have started before the rename: only the
	// next one to start covers it.
	want := d.started + 1
	for d.done < want {
		if d.running {
			d.wake.Wait()
			continue
		}
		d.running = true
		d.started++
		n := d.started
		s.mu.Unlock()
		err := syncDir(dirfd)
		s.mu.Lock()
		d.running, d.done = false, n
		if err != nil {
			d.failed, d.err = n, err
		}
		d.wake.Broadcast()
	}
	if d.failed >= want {
		return d.err
	}
	return nil
}

// symlinkAt makes name in dirfd a link to target, atomically: a link made
// under a temporary name is renamed over name.
func symlinkAt(dirfd int, name, target string) error {
	for attempt := 0; ; attempt++ {
		tmp := tempName(name, localCreator)
		err := unix.Symlinkat(target, dirfd, tmp)
		if errors.Is(err, unix.EEXIST) && attempt < 3 {
			continue
		}
		if err != nil {
			return err
		}
		if err := unix.Renameat(dirfd, tmp, dirfd, name); err != nil {
			_ = unix.Unlinkat(dirfd, tmp, 0)
			return err
		}
		return syncDir(dirfd)
	}
}

// removeAllAt removes name in dirfd and everything below it, descending
// through directory descriptors: a link is removed, never followed.
func removeAllAt(dirfd int, name string) error {
	err := unix.Unlinkat(dirfd, name, 0)
	if err == nil || errors.Is(err, unix.ENOENT) {
		return nil
	}
	if !errors.Is(err, unix.EISDIR) && !errors.Is(err, unix.EPERM) {
		return err
	}
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	switch {
	case errors.Is(err, unix.ENOENT):
		return nil
	case errors.Is(err, unix.ENOTDIR), errors.Is(err, unix.ELOOP):
		// Replaced by a file or link meanwhile: remove that name.
		return ignoreENOENT(unix.Unlinkat(dirfd, name, 0))
	case err != nil:
		return err
	}
	d := os.NewFile(uintptr(fd), name)
	defer func() { _ = d.Close() }()
	entries, err := d.Readdirnames(-1)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := removeAllAt(fd, e); err != nil {
			return err
		}
	}
	return ignoreENOENT(unix.Unlinkat(dirfd, name, unix.AT_REMOVEDIR))
}

func ignoreENOENT(err error) error {
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	return err
}
