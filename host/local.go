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
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Local manages the machine spice runs on. With a root other than "/" every
// managed path lives below root ("image mode"): /etc/x is root/etc/x.
type Local struct {
	root string
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
	return &Local{root: abs}, nil
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

func (l *Local) real(p string) (string, error) {
	if err := CheckPath(p); err != nil {
		return "", fmt.Errorf("%q on %s: %w", p, l.Name(), err)
	}
	return filepath.Join(l.root, p), nil
}

func (l *Local) fail(op, p string, err error) error {
	return fmt.Errorf("%s %s on %s: %w", op, p, l.Name(), err)
}

func (l *Local) ReadFile(_ context.Context, p string) ([]byte, error) {
	real, err := l.real(p)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(real)
	if err != nil {
		return nil, l.fail("read", p, err)
	}
	return b, nil
}

func (l *Local) Stat(_ context.Context, p string) (FileInfo, error) {
	real, err := l.real(p)
	if err != nil {
		return FileInfo{}, err
	}
	info, err := os.Lstat(real)
	if err != nil {
		return FileInfo{}, l.fail("stat", p, err)
	}
	st := info.Sys().(*syscall.Stat_t)
	return FileInfo{
		Perm:      Perm(st.Mode & 0o7777),
		UID:       int(st.Uid),
		GID:       int(st.Gid),
		Size:      info.Size(),
		IsDir:     info.IsDir(),
		IsSymlink: info.Mode()&fs.ModeSymlink != 0,
	}, nil
}

func (l *Local) ReadDir(_ context.Context, p string) ([]string, error) {
	real, err := l.real(p)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(real)
	if err != nil {
		return nil, l.fail("list", p, err)
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, nil
}

func (l *Local) WriteFile(_ context.Context, p string, content []byte, attrs Attrs) error {
	real, err := l.real(p)
	if err != nil {
		return err
	}
	if err := l.writeAtomic(real, content, attrs); err != nil {
		return l.fail("write", p, err)
	}
	return nil
}

func (l *Local) writeAtomic(real string, content []byte, attrs Attrs) (err error) {
	dir := filepath.Dir(real)
	if err := mkdirParents(dir); err != nil {
		return err
	}
	// One fixed temporary name per target: a write killed before its
	// rename leaves a stray that the next write of the same file reuses,
	// instead of garbage that accumulates. O_NOFOLLOW: never write through
	// a link planted under that name.
	tmp, err := os.OpenFile(TempName(real), os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	// Ownership first: chown clears setuid/setgid bits, so chmod comes after.
	// Both happen while the file is empty and unreachable under its final name.
	fd := int(tmp.Fd())
	if err := unix.Fchown(fd, attrs.UID, attrs.GID); err != nil {
		return fmt.Errorf("chown: %w", err)
	}
	if err := unix.Fchmod(fd, uint32(attrs.Perm)); err != nil {
		return fmt.Errorf("chmod: %w", err)
	}
	if _, err := tmp.Write(content); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), real); err != nil {
		return err
	}
	return syncDir(dir)
}

// TempName is the temporary file an atomic write of path goes through.
func TempName(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".spice-tmp")
}

// syncDir makes a rename durable: without it a crash can forget the new
// directory entry even though the file's data was synced.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	syncErr := d.Sync()
	if err := d.Close(); err != nil && syncErr == nil {
		return err
	}
	return syncErr
}

// mkdirParents creates dir and its missing ancestors with mode 0755,
// independent of the process umask.
func mkdirParents(dir string) error {
	info, err := os.Stat(dir)
	if err == nil {
		if !info.IsDir() {
			return fmt.Errorf("%s exists and is not a directory", dir)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := mkdirParents(filepath.Dir(dir)); err != nil {
		return err
	}
	// Made complete under a temporary name, then renamed into place only if
	// nothing is there yet: a directory created meanwhile (by a directory
	// resource applied in parallel) keeps its own mode.
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".spice-mkdir-*")
	if err != nil {
		return err
	}
	if err := unix.Chmod(tmp, 0o755); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	err = unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, dir, unix.RENAME_NOREPLACE)
	if err != nil {
		_ = os.Remove(tmp)
		if errors.Is(err, unix.EEXIST) {
			return nil
		}
	}
	return err
}

func (l *Local) Mkdir(_ context.Context, p string, attrs Attrs) error {
	real, err := l.real(p)
	if err != nil {
		return err
	}
	info, err := os.Lstat(real)
	switch {
	case err == nil && !info.IsDir():
		return l.fail("mkdir", p, errors.New("exists and is not a directory"))
	case errors.Is(err, fs.ErrNotExist):
		if err := mkdirParents(filepath.Dir(real)); err != nil {
			return l.fail("mkdir", p, err)
		}
		// Private until ownership and mode are set. A directory created
		// meanwhile (as the parent of a file written in parallel) only
		// needs its attrs.
		if err := os.Mkdir(real, 0o700); err != nil {
			if info, serr := os.Lstat(real); serr != nil || !info.IsDir() {
				return l.fail("mkdir", p, err)
			}
		}
	case err != nil:
		return l.fail("mkdir", p, err)
	}
	if err := setAttrs(real, attrs); err != nil {
		return l.fail("mkdir", p, err)
	}
	return nil
}

func (l *Local) SetAttrs(_ context.Context, p string, attrs Attrs) error {
	real, err := l.real(p)
	if err != nil {
		return err
	}
	if err := setAttrs(real, attrs); err != nil {
		return l.fail("set mode and owner of", p, err)
	}
	return nil
}

func setAttrs(real string, attrs Attrs) error {
	if err := os.Lchown(real, attrs.UID, attrs.GID); err != nil {
		return err
	}
	return unix.Chmod(real, uint32(attrs.Perm))
}

func (l *Local) Symlink(_ context.Context, target, p string) error {
	real, err := l.real(p)
	if err != nil {
		return err
	}
	if err := symlinkAtomic(target, real); err != nil {
		return l.fail("link", p, err)
	}
	return nil
}

func symlinkAtomic(target, real string) error {
	if target == "" {
		return errors.New("empty link target")
	}
	dir := filepath.Dir(real)
	if err := mkdirParents(dir); err != nil {
		return err
	}
	// The same fixed temporary name as writeAtomic: a stray from a killed
	// run is replaced, not accumulated.
	tmp := TempName(real)
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Symlink(target, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, real); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

func (l *Local) ReadLink(_ context.Context, p string) (string, error) {
	real, err := l.real(p)
	if err != nil {
		return "", err
	}
	target, err := os.Readlink(real)
	if err != nil {
		return "", l.fail("read link", p, err)
	}
	return target, nil
}

func (l *Local) Remove(_ context.Context, p string) error {
	real, err := l.real(p)
	if err != nil {
		return err
	}
	if err := os.Remove(real); err != nil {
		return l.fail("remove", p, err)
	}
	return nil
}

func (l *Local) RemoveAll(_ context.Context, p string) error {
	real, err := l.real(p)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(real); err != nil {
		return l.fail("remove", p, err)
	}
	return nil
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
