package host

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"sync"

	"github.com/pkg/sftp"
)

// File operations go through the connection's one SFTP channel and mirror
// Local's semantics (local.go), including its atomic write.

func (s *SSH) real(p string) (string, error) {
	if err := CheckPath(p); err != nil {
		return "", fmt.Errorf("%q on %s: %w", p, s.name, err)
	}
	return s.root + p, nil
}

func (s *SSH) fail(op, p string, err error) error {
	return fmt.Errorf("%s %s on %s: %w", op, p, s.name, err)
}

// fileOp runs fn with the SFTP client. When the link breaks, the
// connection is replaced and fn runs once more from the start: every file
// operation here is safe to repeat (reads, idempotent changes, atomic
// writes; a repeated remove finds nothing, which is the truth).
func (s *SSH) fileOp(ctx context.Context, op, p string, fn func(sc *sftp.Client, real string) error) error {
	real, err := s.real(p)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return s.fail(op, p, err)
		}
		c, err := s.current(ctx)
		if err != nil {
			return s.fail(op, p, err)
		}
		err = fn(c.sftp, real)
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

func (s *SSH) ReadFile(ctx context.Context, p string) ([]byte, error) {
	var content []byte
	err := s.fileOp(ctx, "read", p, func(sc *sftp.Client, real string) error {
		f, err := sc.Open(real)
		if err != nil {
			return err
		}
		// The server answers in order and nothing waits on this answer:
		// one round trip less per read.
		defer func() { go func() { _ = f.Close() }() }()
		// Most managed files fit in one request (plus one to see EOF);
		// larger ones continue with pipelined reads.
		var buf bytes.Buffer
		first := make([]byte, 32<<10)
		n, err := f.Read(first)
		buf.Write(first[:n])
		switch {
		case errors.Is(err, io.EOF):
		case err != nil:
			return err
		default:
			if _, err := f.WriteTo(&buf); err != nil {
				return err
			}
		}
		content = buf.Bytes()
		return nil
	})
	return content, err
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

func (s *SSH) ReadDir(ctx context.Context, p string) ([]string, error) {
	var names []string
	err := s.fileOp(ctx, "list", p, func(sc *sftp.Client, real string) error {
		entries, err := sc.ReadDirContext(ctx, real)
		if errors.Is(err, fs.ErrNotExist) {
			// sftp-server reports ENOTDIR as "no such file"; the path exists.
			if fi, lerr := sc.Lstat(real); lerr == nil && !fi.IsDir() {
				return &hostError{msg: "not a directory"}
			}
		}
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
	// A temporary file a broken link kept us from removing is removed
	// before the write is repeated.
	var leftover string
	return s.fileOp(ctx, "write", p, func(sc *sftp.Client, real string) error {
		if leftover != "" {
			_ = sc.Remove(leftover)
		}
		var err error
		leftover, err = writeAtomicSFTP(sc, real, content, attrs)
		return err
	})
}

// writeAtomicSFTP is Local's atomic write over SFTP. On failure it returns
// the temporary file's name if removing it failed too (a broken link).
func writeAtomicSFTP(sc *sftp.Client, real string, content []byte, attrs Attrs) (leftover string, err error) {
	dir := path.Dir(real)
	if err := mkdirParentsSFTP(sc, dir); err != nil {
		return "", err
	}
	suffix := make([]byte, 8)
	_, _ = rand.Read(suffix)
	tmp := path.Join(dir, "."+path.Base(real)+".spice-"+hex.EncodeToString(suffix))
	f, err := sc.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return "", err
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
		return "", err
	}
	renamed = true
	return "", syncDirSFTP(sc, dir)
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
func mkdirParentsSFTP(sc *sftp.Client, dir string) error {
	info, err := sc.Stat(dir)
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
		if err := mkdirParentsSFTP(sc, parent); err != nil {
			return err
		}
	}
	// Made complete under a temporary name, then moved into place with
	// SFTP's plain rename, which refuses an existing target: a directory
	// created meanwhile (by a directory resource applied in parallel) keeps
	// its own mode.
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	tmp := path.Join(path.Dir(dir), "."+path.Base(dir)+".spice-mkdir-"+hex.EncodeToString(suffix[:]))
	if err := sc.Mkdir(tmp); err != nil {
		return err
	}
	if err := sc.Chmod(tmp, 0o755); err != nil {
		_ = sc.RemoveDirectory(tmp)
		return err
	}
	if err := sc.Rename(tmp, dir); err != nil {
		_ = sc.RemoveDirectory(tmp)
		if info, serr := sc.Stat(dir); serr == nil && info.IsDir() {
			return nil
		}
		return err
	}
	return nil
}

func (s *SSH) Mkdir(ctx context.Context, p string, attrs Attrs) error {
	return s.fileOp(ctx, "mkdir", p, func(sc *sftp.Client, real string) error {
		info, err := sc.Lstat(real)
		switch {
		case err == nil && !info.IsDir():
			return &hostError{msg: "exists and is not a directory"}
		case errors.Is(err, fs.ErrNotExist):
			if err := mkdirParentsSFTP(sc, path.Dir(real)); err != nil {
				return err
			}
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

func (s *SSH) SetAttrs(ctx context.Context, p string, attrs Attrs) error {
	return s.fileOp(ctx, "set mode and owner of", p, func(sc *sftp.Client, real string) error {
		return setAttrsSFTP(sc, real, attrs)
	})
}

func setAttrsSFTP(sc *sftp.Client, real string, attrs Attrs) error {
	uid, gid, change, err := resolveIDs(attrs, func() (fs.FileInfo, error) { return sc.Stat(real) })
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
	var leftover string
	return s.fileOp(ctx, "link", p, func(sc *sftp.Client, real string) error {
		if leftover != "" {
			_ = sc.Remove(leftover)
		}
		var err error
		leftover, err = symlinkAtomicSFTP(sc, target, real)
		return err
	})
}

// symlinkAtomicSFTP is Local's atomic link swap over SFTP; leftover as for
// writeAtomicSFTP.
func symlinkAtomicSFTP(sc *sftp.Client, target, real string) (leftover string, err error) {
	if target == "" {
		return "", &hostError{msg: "empty link target"}
	}
	dir := path.Dir(real)
	if err := mkdirParentsSFTP(sc, dir); err != nil {
		return "", err
	}
	suffix := make([]byte, 8)
	_, _ = rand.Read(suffix)
	tmp := path.Join(dir, "."+path.Base(real)+".spice-"+hex.EncodeToString(suffix))
	if err := sc.Symlink(target, tmp); err != nil {
		return "", err
	}
	if err := sc.PosixRename(tmp, real); err != nil {
		if sc.Remove(tmp) != nil {
			leftover = tmp
		}
		return leftover, err
	}
	return "", syncDirSFTP(sc, dir)
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

func (s *SSH) RemoveAll(ctx context.Context, p string) error {
	return s.fileOp(ctx, "remove", p, removeAllSFTP)
}

// removeAllSFTP is os.RemoveAll over SFTP: links are removed, never
// followed, and a missing path is no error. The entries of a directory are
// removed in parallel so a big tree costs few round trips.
func removeAllSFTP(sc *sftp.Client, p string) error {
	info, err := sc.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return ignoreNotExist(sc.Remove(p))
	}
	entries, err := sc.ReadDir(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		slots    = make(chan struct{}, 16)
	)
	for _, e := range entries {
		child := path.Join(p, e.Name())
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			var err error
			if e.IsDir() {
				err = removeAllSFTP(sc, child)
			} else {
				err = ignoreNotExist(sc.Remove(child))
			}
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ignoreNotExist(sc.RemoveDirectory(p))
}

func ignoreNotExist(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
