//go:build linux || darwin

package host

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"golang.org/x/sys/unix"
)

// Local manages the machine spice runs on. With a root other than "/" every
// managed path lives below root ("image mode"): /etc/x is root/etc/x.
type Local struct {
	root    string
	rootFd  int // root, opened once: every path is resolved from it
	cleanup runtime.Cleanup
	swept   sweptDirs // directories swept of stale temporary entries
	syncs   dirSyncs  // directory syncs shared by concurrent writes
}

// NewLocal returns the local host. root "" means "/"; any other root must be
// an existing directory.
func NewLocal(root string) (*Local, error) {
	if root == "" {
		root = "/"
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("root %q: %w", root, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("root %q: %w", root, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("root %q is not a directory", root)
	}
	fd, err := openDirAt(unix.AT_FDCWD, abs, false)
	if err != nil {
		return nil, fmt.Errorf("root %q: %w", root, err)
	}
	l := &Local{root: abs, rootFd: fd}
	l.cleanup = runtime.AddCleanup(l, func(fd int) { _ = unix.Close(fd) }, fd)
	return l, nil
}

// Close closes the root directory now rather than when the collector
// finds l unused; l must not be used after.
func (l *Local) Close() error {
	l.cleanup.Stop()
	fd := l.rootFd
	l.rootFd = -1
	if err := unix.Close(fd); err != nil {
		return fmt.Errorf("close root %s: %w", l.root, err)
	}
	return nil
}

// Name is "local", or "local:ROOT" in image mode.
func (l *Local) Name() string {
	if l.root == "/" {
		return "local"
	}
	return "local:" + l.root
}

// Root is the directory managed paths are mapped below.
func (l *Local) Root() string { return l.root }

func (l *Local) fail(op, p string, err error) error {
	return fmt.Errorf("%s %s on %s: %w", op, p, l.Name(), err)
}

// at runs fn with the directory p lives in, resolved below root (see
// localfs.go), and p's last name. With create, missing parent directories
// are made 0755. Errors are reported as op on p.
func (l *Local) at(op, p string, create bool, fn func(dirfd int, name string) error) error {
	if err := CheckPath(p); err != nil {
		return fmt.Errorf("%q on %s: %w", p, l.Name(), err)
	}
	dir, name := path.Split(p)
	dirfd, err := l.resolveDir(splitPath(dir), create)
	if err != nil {
		return l.fail(op, p, err)
	}
	defer func() { _ = unix.Close(dirfd) }()
	if create {
		l.swept.sweep(dirfd)
	}
	if err := fn(dirfd, name); err != nil {
		return l.fail(op, p, err)
	}
	return nil
}

// ReadFile reads the regular file at p. Anything else there (a symbolic
// link, even to a regular file, a directory, a device, a file with other
// hard links) is ErrNotRegular and is not opened.
func (l *Local) ReadFile(_ context.Context, p string) ([]byte, error) {
	var content []byte
	err := l.at("read", p, false, func(dirfd int, name string) error {
		// O_NOFOLLOW: a link is not opened; O_NONBLOCK: a named pipe is
		// not waited for. fstat then tells what was opened.
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if errors.Is(err, unix.ELOOP) {
			return fmt.Errorf("%w: %w", ErrNotRegular, ErrSymlink)
		}
		if errors.Is(err, unix.ENXIO) { // a socket
			var st unix.Stat_t
			if unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil {
				return notRegular(&st)
			}
		}
		if err != nil {
			return err
		}
		defer func() { _ = unix.Close(fd) }()
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return err
		}
		if !plainFile(&st) {
			return notRegular(&st)
		}
		content, err = readAll(fd, st.Size)
		return err
	})
	return content, err
}

// Stat describes p itself: a symbolic link is reported as a link.
func (l *Local) Stat(_ context.Context, p string) (FileInfo, error) {
	var info FileInfo
	err := l.at("stat", p, false, func(dirfd int, name string) error {
		var st unix.Stat_t
		if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return err
		}
		info = FileInfo{
			Perm:      Perm(st.Mode & 0o7777),
			UID:       int(st.Uid),
			GID:       int(st.Gid),
			Size:      st.Size,
			IsDir:     st.Mode&unix.S_IFMT == unix.S_IFDIR,
			IsSymlink: st.Mode&unix.S_IFMT == unix.S_IFLNK,
		}
		return nil
	})
	return info, err
}

// ReadDir lists the directory at p; a link there is not followed.
func (l *Local) ReadDir(_ context.Context, p string) ([]string, error) {
	var names []string
	err := l.at("list", p, false, func(dirfd int, name string) error {
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
			var st unix.Stat_t
			if unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
				return fmt.Errorf("not a directory: %w", ErrSymlink)
			}
		}
		if err != nil {
			return err
		}
		d := os.NewFile(uintptr(fd), name)
		defer func() { _ = d.Close() }()
		names, err = d.Readdirnames(-1)
		slices.Sort(names)
		return err
	})
	return names, err
}

// WriteFile replaces p atomically (see writeAt). A link at p is replaced,
// never written through.
func (l *Local) WriteFile(_ context.Context, p string, content []byte, attrs Attrs) error {
	return l.at("write", p, true, func(dirfd int, name string) error {
		removeLegacyTemp(dirfd, name)
		for attempt := 0; ; attempt++ {
			err := writeAt(dirfd, name, content, attrs, &l.syncs)
			if errors.Is(err, errTempLost) && attempt < 3 {
				continue
			}
			return err
		}
	})
}

// Mkdir creates the directory p (private until its attrs are applied) or
// applies attrs to the one there. Anything else at p, a link to a
// directory too, is an error.
func (l *Local) Mkdir(_ context.Context, p string, attrs Attrs) error {
	return l.at("mkdir", p, true, func(dirfd int, name string) error {
		if err := unix.Mkdirat(dirfd, name, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
			return err
		}
		fd, err := openNoFollow(dirfd, name)
		if err != nil {
			return err
		}
		defer func() { _ = unix.Close(fd) }()
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return err
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFDIR:
			return setAttrsFd(fd, attrs)
		case unix.S_IFLNK:
			return fmt.Errorf("exists and is not a directory: %w", ErrSymlink)
		}
		return errors.New("exists and is not a directory")
	})
}

// SetAttrs changes mode and ownership of the regular file or directory at
// p. A link there is an error (ErrSymlink), as is a file with other hard
// links (ErrNotRegular): changing either would change another path.
func (l *Local) SetAttrs(_ context.Context, p string, attrs Attrs) error {
	return l.at("set mode and owner of", p, false, func(dirfd int, name string) error {
		fd, err := openNoFollow(dirfd, name)
		if err != nil {
			return err
		}
		defer func() { _ = unix.Close(fd) }()
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return err
		}
		switch {
		case st.Mode&unix.S_IFMT == unix.S_IFLNK:
			return ErrSymlink
		case st.Mode&unix.S_IFMT != unix.S_IFDIR && !plainFile(&st):
			return notRegular(&st)
		}
		return setAttrsFd(fd, attrs)
	})
}

func (l *Local) Symlink(_ context.Context, target, p string) error {
	if target == "" {
		if err := CheckPath(p); err != nil {
			return fmt.Errorf("%q on %s: %w", p, l.Name(), err)
		}
		return l.fail("link", p, errors.New("empty link target"))
	}
	return l.at("link", p, true, func(dirfd int, name string) error {
		return symlinkAt(dirfd, name, target)
	})
}

func (l *Local) ReadLink(_ context.Context, p string) (string, error) {
	var target string
	err := l.at("read link", p, false, func(dirfd int, name string) error {
		var err error
		target, err = readlinkAt(dirfd, name)
		return err
	})
	return target, err
}

// Remove deletes the file, link or empty directory at p.
func (l *Local) Remove(_ context.Context, p string) error {
	return l.at("remove", p, false, func(dirfd int, name string) error {
		err := unix.Unlinkat(dirfd, name, 0)
		if errors.Is(err, unix.EISDIR) || errors.Is(err, unix.EPERM) {
			if rerr := unix.Unlinkat(dirfd, name, unix.AT_REMOVEDIR); !errors.Is(rerr, unix.ENOTDIR) {
				err = rerr
			}
		}
		return err
	})
}

// RemoveAll deletes p and everything below it; links are removed, never
// followed. Nothing there (or no parent) is no error.
func (l *Local) RemoveAll(_ context.Context, p string) error {
	err := l.at("remove", p, false, removeAllAt)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Run executes on this machine. In image mode commands still run here, not
// inside root: root maps paths, it is not a chroot.
func (l *Local) Run(ctx context.Context, cmd Command) (Result, error) {
	if len(cmd.Argv) == 0 {
		return Result{}, fmt.Errorf("run on %s: empty command", l.Name())
	}
	c := exec.CommandContext(ctx, cmd.Argv[0], cmd.Argv[1:]...)
	// A child that keeps our output pipes open after being killed must not
	// hold Run past its context.
	c.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if cmd.Stdin != nil {
		c.Stdin = bytes.NewReader(cmd.Stdin)
	}
	err := c.Run()
	res := Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
		return res, &ExitError{Host: l.Name(), Argv0: cmd.Argv[0], Result: res}
	case err != nil:
		return res, fmt.Errorf("run %s on %s: %w", cmd.Argv[0], l.Name(), err)
	}
	return res, nil
}

// DialContext connects from this machine. In image mode nothing under root
// is running, so callers check Root before probing services.
func (l *Local) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, fmt.Errorf("connect to %s from %s: %w", address, l.Name(), err)
	}
	return conn, nil
}

// readAll reads the regular file open at fd to its end, in a buffer sized
// as the file says plus room to see its end (/proc files say 0). It reads
// the descriptor directly: an os.File would register it with the runtime's
// poller (a regular file cannot be) at a few system calls per file, which
// a plan of thousands of files pays for each one.
func readAll(fd int, size int64) ([]byte, error) {
	buf := make([]byte, 0, size+512)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, cap(buf))
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return nil, err
		case n == 0:
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}
