package host

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/pkg/sftp"
)

// File operations go through the connection's one SFTP channel and mirror
// Local's semantics (local.go, localfs.go), including its atomic write.
//
// SFTP (version 3, as OpenSSH speaks it) names objects by path only: there
// is no openat, no O_NOFOLLOW, no inode number. What Local does with
// descriptors is done here by checking, so a user who can write a managed
// directory and races spice is held off as follows, not atomically:
//   - a link at a managed path is seen by lstat and never read, listed or
//     changed; what is read or changed is opened by name and must have the
//     attributes lstat saw (type, mode, owner, size, mtime), so a link
//     swapped in between leads to a refusal unless its target matches all
//     of them;
//   - temporary files are created with O_EXCL by an sftp-server that runs
//     with the umask 077 (see startSFTP), so no one else can open them;
//   - RemoveAll of a directory runs rm -rf on the host, which descends by
//     descriptors;
//   - in image mode (Root) the parent directories are resolved below root
//     one lstat at a time: links in the tree (/var/run -> /run) never lead
//     out of it, but a directory swapped for a link while a write is under
//     way can; the tree must not be writable by others while spice runs.
// A hard link to another file cannot be told from a file over SFTP (fs.
// protected_hardlinks, on by default, keeps users from making one to a
// file they do not own).

func (s *SSH) fail(op, p string, err error) error {
	return fmt.Errorf("%s %s on %s: %w", op, p, s.name, err)
}

// fileOp runs fn with the SFTP client and the remote path of p (see
// resolve), for operations that create nothing; see connFileOp.
func (s *SSH) fileOp(ctx context.Context, op, p string, fn func(sc *sftp.Client, real string) error) error {
	return s.connFileOp(ctx, op, p, false, func(c *sshConn, real string) error { return fn(c.sftp, real) })
}

// connFileOp runs fn with the connection and the remote path of p (see
// resolve; with create, missing parent directories are made 0755). When
// the link breaks, the connection is replaced and fn runs once more from
// the start: every file operation here is safe to repeat (reads,
// idempotent changes, atomic writes; a repeated remove finds nothing,
// which is the truth). What earlier connections left is removed first
// (see leftover).
func (s *SSH) connFileOp(ctx context.Context, op, p string, create bool, fn func(c *sshConn, real string) error) error {
	if err := CheckPath(p); err != nil {
		return fmt.Errorf("%q on %s: %w", p, s.name, err)
	}
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return s.fail(op, p, err)
		}
		c, err := s.current(ctx)
		if err != nil {
			return s.fail(op, p, err)
		}
		s.removeLeftovers(c)
		real, err := s.resolve(c, p, create)
		if err == nil {
			err = fn(c, real)
		}
		if err == nil {
			return nil
		}
		if !isTransport(err) || !c.failed() {
			return s.fail(op, p, err)
		}
		c.retire()
		if attempt > 0 {
			return s.fail(op, p, &connError{msg: err.Error()})
		}
	}
}

// resolve returns the remote path of the managed path p. Without a root,
// that is p: its parents resolve as the remote system resolves them. With
// one, p's parent directories are resolved below root as Local resolves
// them (an absolute link target starts again at root, ".." stops there),
// so that a link in the tree never leads out of it. SFTP has no openat:
// this is checked one lstat at a time, not atomic as Local's descriptors
// are. With create, missing parent directories are made 0755.
func (s *SSH) resolve(conn *sshConn, p string, create bool) (string, error) {
	sc := conn.sftp
	dir, name := path.Split(p)
	if s.root == "" {
		dir = path.Clean(dir)
		if create && dir != "/" {
			if err := s.mkdirParentsSFTP(conn, dir); err != nil {
				return "", err
			}
		}
		return path.Join(dir, name), nil
	}
	comps := splitPath(dir)
	if s.plainDirs(sc, comps) {
		return s.root + p, nil
	}
	var names []string // the resolved directory below root
	followed, created := 0, 0
	where := func() string { return s.root + "/" + strings.Join(names, "/") }
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		switch c {
		case ".":
			continue
		case "..":
			if len(names) > 0 {
				names = names[:len(names)-1]
			}
			continue
		}
		next := path.Join(where(), c)
		info, err := sc.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) && create && created < maxSymlinks {
			created++
			if err := s.mkdirSFTP(conn, next); err != nil {
				return "", err
			}
			comps = append([]string{c}, comps...) // look again at what is there now
			continue
		}
		if err != nil {
			return "", err
		}
		switch {
		case info.IsDir():
			names = append(names, c)
		case info.Mode()&fs.ModeSymlink != 0:
			if followed++; followed > maxSymlinks {
				return "", &hostError{msg: strings.TrimPrefix(next, s.root) + ": too many levels of symbolic links"}
			}
			target, err := sc.ReadLink(next)
			if err != nil {
				return "", err
			}
			if target == "" {
				return "", fmt.Errorf("%s: empty link: %w", strings.TrimPrefix(next, s.root), fs.ErrNotExist)
			}
			if strings.HasPrefix(target, "/") {
				names = names[:0]
			}
			comps = append(splitPath(target), comps...)
		default:
			return "", &hostError{msg: strings.TrimPrefix(next, s.root) + ": not a directory"}
		}
	}
	return path.Join(where(), name), nil
}

// plainDirs reports whether every directory the components name below
// root exists and is a directory, not a link: then the path needs no
// resolution. The lstats go out together, one round trip in all.
func (s *SSH) plainDirs(sc *sftp.Client, comps []string) bool {
	plain := make([]bool, len(comps))
	var wg sync.WaitGroup
	for i := range comps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			info, err := sc.Lstat(s.root + "/" + strings.Join(comps[:i+1], "/"))
			plain[i] = err == nil && info.IsDir()
		}()
	}
	wg.Wait()
	return !slices.Contains(plain, false)
}

// ReadFile reads the regular file at p, as Local does: anything else there
// (a link, even to a regular file, a directory, a device) is
// ErrNotRegular. SFTP opens by name and follows links, so the opened
// file's attributes must match those lstat saw; a file swapped meanwhile
// is refused, not read.
func (s *SSH) ReadFile(ctx context.Context, p string) ([]byte, error) {
	var content []byte
	err := s.fileOp(ctx, "read", p, func(sc *sftp.Client, real string) error {
		seen, err := sc.Lstat(real)
		if err != nil {
			return err
		}
		if !seen.Mode().IsRegular() {
			return notRegularSFTP(seen)
		}
		f, err := sc.Open(real)
		if err != nil {
			return err
		}
		// The server answers in order and nothing waits on this answer:
		// one round trip less per read.
		defer func() { go func() { _ = f.Close() }() }()
		// The content is requested along with fstat, and dropped unless
		// fstat shows the file lstat saw. A file of the size lstat saw
		// (most managed files fit in one request) is one request; others
		// (larger, or /proc files that say 0) are read to their end with
		// pipelined reads.
		type stat struct {
			info fs.FileInfo
			err  error
		}
		opened := make(chan stat, 1)
		go func() {
			info, err := f.Stat()
			opened <- stat{info, err}
		}()
		var readErr error
		if size := seen.Size(); size > 0 && size <= 32<<10 {
			content = make([]byte, size)
			var n int
			n, readErr = f.ReadAt(content, 0)
			if n == len(content) {
				readErr = nil
			}
		} else {
			var buf bytes.Buffer
			_, readErr = f.WriteTo(&buf)
			content = buf.Bytes()
		}
		st := <-opened
		if st.err != nil {
			content = nil
			return st.err
		}
		if !sameAttrs(seen, st.info) {
			content = nil
			return &hostError{msg: "changed while it was opened (replaced by a link or another file?); not read"}
		}
		if readErr != nil {
			content = nil
		}
		return readErr
	})
	return content, err
}

// notRegularSFTP is ErrNotRegular for what lstat found.
func notRegularSFTP(fi fs.FileInfo) error {
	switch m := fi.Mode(); {
	case m&fs.ModeSymlink != 0:
		return fmt.Errorf("%w: %w", ErrNotRegular, ErrSymlink)
	case m.IsDir():
		return fmt.Errorf("%w: a directory", ErrNotRegular)
	case m&fs.ModeNamedPipe != 0:
		return fmt.Errorf("%w: a named pipe", ErrNotRegular)
	case m&fs.ModeSocket != 0:
		return fmt.Errorf("%w: a socket", ErrNotRegular)
	case m&fs.ModeDevice != 0:
		return fmt.Errorf("%w: a device", ErrNotRegular)
	}
	return ErrNotRegular
}

// sameAttrs reports whether two SFTP stats plausibly describe the same
// object: type, mode, owner, size and modification time all agree. SFTP
// reports no inode number, so this is what tells the object lstat saw
// from one a link swapped in meanwhile leads to.
func sameAttrs(a, b fs.FileInfo) bool {
	sa, okA := a.Sys().(*sftp.FileStat)
	sb, okB := b.Sys().(*sftp.FileStat)
	return okA && okB && a.Mode() == b.Mode() && a.Size() == b.Size() && sa.Mtime == sb.Mtime &&
		sa.UID == sb.UID && sa.GID == sb.GID
}

// openVerified opens the regular file or directory at real (SFTP opens a
// directory as a file too, which fsetstat then changes) and checks that
// it is the object lstat describes there, not one a link leads to. A
// directory whose entries change meanwhile changes its own attributes:
// a mismatch is retried a few times before it is refused.
func openVerified(sc *sftp.Client, real string) (*sftp.File, fs.FileInfo, error) {
	for attempt := 0; ; attempt++ {
		seen, err := sc.Lstat(real)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case seen.Mode()&fs.ModeSymlink != 0:
			return nil, nil, ErrSymlink
		case !seen.IsDir() && !seen.Mode().IsRegular():
			return nil, nil, notRegularSFTP(seen)
		}
		f, err := sc.Open(real)
		if err != nil {
			return nil, nil, err
		}
		info, err := f.Stat()
		if err == nil && sameAttrs(seen, info) {
			return f, info, nil
		}
		go func() { _ = f.Close() }()
		if err != nil {
			return nil, nil, err
		}
		if attempt == 3 {
			return nil, nil, &hostError{msg: "changed while it was opened (replaced by a link or another file?); left unchanged"}
		}
	}
}

func (s *SSH) Stat(ctx context.Context, p string) (FileInfo, error) {
	var info FileInfo
	err := s.fileOp(ctx, "stat", p, func(sc *sftp.Client, real string) error {
		fi, err := sc.Lstat(real)
		if err != nil {
			return err
		}
		info = fileInfo(fi)
		return nil
	})
	return info, err
}

func fileInfo(fi fs.FileInfo) FileInfo {
	info := FileInfo{
		Size:      fi.Size(),
		IsDir:     fi.IsDir(),
		IsSymlink: fi.Mode()&fs.ModeSymlink != 0,
	}
	if st, ok := fi.Sys().(*sftp.FileStat); ok {
		info.Perm = Perm(st.Mode & 0o7777)
		info.UID, info.GID = int(st.UID), int(st.GID)
	}
	return info
}

// ReadDir lists the directory at p; a link there is not followed.
func (s *SSH) ReadDir(ctx context.Context, p string) ([]string, error) {
	var names []string
	err := s.fileOp(ctx, "list", p, func(sc *sftp.Client, real string) error {
		fi, err := sc.Lstat(real)
		switch {
		case err != nil:
			return err
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("not a directory: %w", ErrSymlink)
		case !fi.IsDir():
			return &hostError{msg: "not a directory"}
		}
		entries, err := sc.ReadDirContext(ctx, real)
		if err != nil {
			return err
		}
		names = make([]string, len(entries))
		for i, e := range entries {
			names[i] = e.Name()
		}
		slices.Sort(names) // as os.ReadDir returns them
		return nil
	})
	return names, err
}

func (s *SSH) WriteFile(ctx context.Context, p string, content []byte, attrs Attrs) error {
	return s.connFileOp(ctx, "write", p, true, func(c *sshConn, real string) error {
		s.sweep(c, path.Dir(real))
		for attempt := 0; ; attempt++ {
			leftover, err := writeAtomicSFTP(c, real, content, attrs)
			if leftover != "" {
				s.leftover(leftover)
			}
			if errors.Is(err, errTempLost) && attempt < 3 {
				continue
			}
			return err
		}
	})
}

// writeAtomicSFTP is Local's atomic write over SFTP. On failure it returns
// the temporary file's name if removing it failed too (a broken link).
// The temporary file is made with O_EXCL (never through a link or over a
// planted file) by an SFTP server whose umask is 077 (see startSFTP), so
// it is private from the start; it gets its owner and mode while empty.
// Only where the server's umask is not ours is it made private at once
// by an explicit chmod, which leaves a window of one round trip.
// A temporary file removed before the rename (only a sweep from another
// host sharing the directory can: see ssh_sweep.go) is errTempLost.
func writeAtomicSFTP(c *sshConn, real string, content []byte, attrs Attrs) (leftover string, err error) {
	sc := c.sftp
	dir, name := path.Split(real)
	tmp := dir + tempName(name, c.creator)
	f, err := sc.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return madeMaybe(tmp, err), err
	}
	closed, renamed := false, false
	defer func() {
		if err != nil && !renamed {
			if !closed {
				_ = f.Close()
			}
			if sc.Remove(tmp) != nil {
				leftover = tmp
			}
		}
	}()
	if !c.privateUmask {
		if err := f.Chmod(0); err != nil {
			return "", fmt.Errorf("chmod: %w", err)
		}
	}
	// Ownership first: chown clears setuid/setgid bits, so chmod comes after.
	// Both happen while the file is empty and unreachable under its final name.
	uid, gid, change, err := resolveIDs(attrs, f.Stat)
	if err != nil {
		return "", err
	}
	if change {
		if err := f.Chown(uid, gid); err != nil {
			return "", fmt.Errorf("chown: %w", err)
		}
	}
	if err := f.Chmod(fs.FileMode(attrs.Perm)); err != nil {
		return "", fmt.Errorf("chmod: %w", err)
	}
	if _, err := f.ReadFrom(bytes.NewReader(content)); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	closed = true
	if err := f.Close(); err != nil {
		return "", err
	}
	if err := sc.PosixRename(tmp, real); err != nil {
		if _, serr := sc.Lstat(tmp); errors.Is(err, fs.ErrNotExist) && errors.Is(serr, fs.ErrNotExist) {
			return "", errTempLost
		}
		return "", err
	}
	renamed = true
	return "", syncDirSFTP(sc, path.Dir(real))
}

// madeMaybe is tmp when creating it failed with the link: the server may
// have made it before the answer was lost, so it is a leftover.
func madeMaybe(tmp string, err error) string {
	if isTransport(err) {
		return tmp
	}
	return ""
}

// resolveIDs fills in KeepID from the current owner: SFTP sets uid and gid
// together. change is false when both are kept.
func resolveIDs(attrs Attrs, stat func() (fs.FileInfo, error)) (uid, gid int, change bool, err error) {
	uid, gid = attrs.UID, attrs.GID
	if uid == KeepID && gid == KeepID {
		return uid, gid, false, nil
	}
	if uid == KeepID || gid == KeepID {
		fi, err := stat()
		if err != nil {
			return 0, 0, false, err
		}
		st, ok := fi.Sys().(*sftp.FileStat)
		if !ok {
			return 0, 0, false, errors.New("the SFTP server reported no owner")
		}
		if uid == KeepID {
			uid = int(st.UID)
		}
		if gid == KeepID {
			gid = int(st.GID)
		}
	}
	return uid, gid, true, nil
}

// syncDirSFTP makes the rename durable, as Local's syncDir does.
func syncDirSFTP(sc *sftp.Client, dir string) error {
	d, err := sc.Open(dir)
	if err != nil {
		return err
	}
	defer func() { go func() { _ = d.Close() }() }() // as in ReadFile
	return d.Sync()
}

// mkdirParentsSFTP creates dir and its missing ancestors with mode 0755,
// independent of the SFTP server's umask.
func (s *SSH) mkdirParentsSFTP(c *sshConn, dir string) error {
	info, err := c.sftp.Stat(dir)
	if err == nil {
		if !info.IsDir() {
			return &hostError{msg: dir + " exists and is not a directory"}
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if parent := path.Dir(dir); parent != dir {
		if err := s.mkdirParentsSFTP(c, parent); err != nil {
			return err
		}
	}
	return s.mkdirSFTP(c, dir)
}

// mkdirSFTP creates the directory dir with mode 0755: made complete under a
// temporary name, then moved into place with SFTP's plain rename, which
// refuses an existing target, so a directory created meanwhile (by a
// directory resource applied in parallel) keeps its own mode. The mode is
// set through a handle on the verified directory, never by name. A
// temporary directory a broken link keeps from being removed is a
// leftover.
func (s *SSH) mkdirSFTP(c *sshConn, dir string) error {
	sc := c.sftp
	tmp := path.Join(path.Dir(dir), tempDirName(path.Base(dir), c.creator))
	if err := sc.Mkdir(tmp); err != nil {
		if leftover := madeMaybe(tmp, err); leftover != "" {
			s.leftover(leftover)
		}
		return err
	}
	err := chmodVerified(sc, tmp, 0o755)
	if err == nil {
		if err = sc.Rename(tmp, dir); err != nil {
			if info, serr := sc.Lstat(dir); serr == nil && info.IsDir() {
				err = nil
			}
		}
	}
	// Nothing is left when renamed.
	if isTransport(sc.RemoveDirectory(tmp)) {
		s.leftover(tmp)
	}
	return err
}

func chmodVerified(sc *sftp.Client, real string, perm Perm) error {
	return setAttrsSFTP(sc, real, Attrs{Perm: perm, UID: KeepID, GID: KeepID})
}

func (s *SSH) Mkdir(ctx context.Context, p string, attrs Attrs) error {
	return s.connFileOp(ctx, "mkdir", p, true, func(c *sshConn, real string) error {
		s.sweep(c, path.Dir(real))
		sc := c.sftp
		info, err := sc.Lstat(real)
		switch {
		case err == nil && info.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("exists and is not a directory: %w", ErrSymlink)
		case err == nil && !info.IsDir():
			return &hostError{msg: "exists and is not a directory"}
		case errors.Is(err, fs.ErrNotExist):
			if err := sc.Mkdir(real); err != nil {
				// Created meanwhile (as a parent of a file written in
				// parallel)? Then it only needs its attrs.
				if info, serr := sc.Lstat(real); serr != nil || !info.IsDir() {
					return err
				}
			}
		case err != nil:
			return err
		}
		return setAttrsSFTP(sc, real, attrs)
	})
}

// SetAttrs changes mode and ownership of the regular file or directory at
// p, through a handle on the object lstat found there (see openVerified):
// a link there is ErrSymlink, never followed.
func (s *SSH) SetAttrs(ctx context.Context, p string, attrs Attrs) error {
	return s.fileOp(ctx, "set mode and owner of", p, func(sc *sftp.Client, real string) error {
		return setAttrsSFTP(sc, real, attrs)
	})
}

func setAttrsSFTP(sc *sftp.Client, real string, attrs Attrs) error {
	f, info, err := openVerified(sc, real)
	if errors.Is(err, fs.ErrPermission) {
		// A user who may not open what it owns (mode 0000) is not root:
		// the kernel lets it change only what it owns, so by name is safe.
		return setAttrsByName(sc, real, attrs)
	}
	if err != nil {
		return err
	}
	defer func() { go func() { _ = f.Close() }() }()
	uid, gid, change, err := resolveIDs(attrs, func() (fs.FileInfo, error) { return info, nil })
	if err != nil {
		return err
	}
	if change {
		if err := f.Chown(uid, gid); err != nil {
			return err
		}
	}
	return f.Chmod(fs.FileMode(attrs.Perm))
}

// setAttrsByName is setAttrsSFTP without a handle, for a user who cannot
// open the object (see there).
func setAttrsByName(sc *sftp.Client, real string, attrs Attrs) error {
	seen, err := sc.Lstat(real)
	switch {
	case err != nil:
		return err
	case seen.Mode()&fs.ModeSymlink != 0:
		return ErrSymlink
	case !seen.IsDir() && !seen.Mode().IsRegular():
		return notRegularSFTP(seen)
	}
	uid, gid, change, err := resolveIDs(attrs, func() (fs.FileInfo, error) { return seen, nil })
	if err != nil {
		return err
	}
	if change {
		if err := sc.Chown(real, uid, gid); err != nil {
			return err
		}
	}
	return sc.Chmod(real, fs.FileMode(attrs.Perm))
}

func (s *SSH) Symlink(ctx context.Context, target, p string) error {
	if target == "" {
		if err := CheckPath(p); err != nil {
			return fmt.Errorf("%q on %s: %w", p, s.name, err)
		}
		return s.fail("link", p, &hostError{msg: "empty link target"})
	}
	return s.connFileOp(ctx, "link", p, true, func(c *sshConn, real string) error {
		s.sweep(c, path.Dir(real))
		leftover, err := symlinkAtomicSFTP(c, target, real)
		if leftover != "" {
			s.leftover(leftover)
		}
		return err
	})
}

// symlinkAtomicSFTP is Local's atomic link swap over SFTP; leftover as for
// writeAtomicSFTP.
func symlinkAtomicSFTP(c *sshConn, target, real string) (leftover string, err error) {
	sc := c.sftp
	dir, name := path.Split(real)
	tmp := dir + tempName(name, c.creator)
	if err := sc.Symlink(target, tmp); err != nil {
		return madeMaybe(tmp, err), err
	}
	if err := sc.PosixRename(tmp, real); err != nil {
		if sc.Remove(tmp) != nil {
			leftover = tmp
		}
		return leftover, err
	}
	return "", syncDirSFTP(sc, path.Dir(real))
}

func (s *SSH) ReadLink(ctx context.Context, p string) (string, error) {
	var target string
	err := s.fileOp(ctx, "read link", p, func(sc *sftp.Client, real string) error {
		var err error
		target, err = sc.ReadLink(real)
		return err
	})
	return target, err
}

func (s *SSH) Remove(ctx context.Context, p string) error {
	return s.fileOp(ctx, "remove", p, func(sc *sftp.Client, real string) error {
		err := sc.Remove(real)
		var status *sftp.StatusError
		if errors.As(err, &status) {
			// SFTP v3 has no "not empty" status; say what Local would.
			if entries, lerr := sc.ReadDir(real); lerr == nil && len(entries) > 0 {
				return &hostError{msg: "directory not empty"}
			}
		}
		return err
	})
}

// RemoveAll deletes p and everything below it: a file or link by SFTP, a
// directory by rm -rf on the host, which descends through directory
// descriptors (SFTP can only name paths, and a directory swapped for a
// link between listing it and removing its entries would send the
// removals through the link). Nothing there is no error.
func (s *SSH) RemoveAll(ctx context.Context, p string) error {
	var dir string
	err := s.fileOp(ctx, "remove", p, func(sc *sftp.Client, real string) error {
		info, err := sc.Lstat(real)
		switch {
		case err != nil:
			return err
		case info.IsDir():
			dir = real
			return nil
		}
		return ignoreNotExist(sc.Remove(real))
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil || dir == "" {
		return err
	}
	if _, err := s.Run(ctx, Command{Argv: []string{"rm", "-rf", "--", dir}}); err != nil {
		return s.fail("remove", p, err)
	}
	return nil
}

func ignoreNotExist(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
