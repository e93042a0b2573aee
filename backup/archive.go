package backup

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/internal/osfile"
)

// archiveName is the file a source is stored in inside a backup directory.
func archiveName(s Source, compression string) string {
	name := s.Name + ".tar"
	if s.IsCommand() {
		name = s.Name + ".out"
	}
	return name + compressionSuffix[compression]
}

// archiveWriter is the stored file of one source: what is written goes
// through the compressor, then, as stored, into the file, the SHA-256 and the
// byte count. Nothing is held in memory beyond the buffers.
type archiveWriter struct {
	file       *os.File
	buffered   *bufio.Writer
	sum        hash.Hash
	stored     int64
	compressor io.WriteCloser // nil without compression
}

func createArchive(path, compression string, level int) (*archiveWriter, error) {
	f, err := osfile.OpenNoFollow(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	a := &archiveWriter{file: f, sum: sha256.New()}
	a.buffered = bufio.NewWriterSize(io.MultiWriter(f, a.sum, (*counter)(&a.stored)), 256<<10)
	if a.compressor, err = newCompressor(a.buffered, compression, level); err != nil {
		_ = f.Close()
		return nil, err
	}
	return a, nil
}

type counter int64

func (c *counter) Write(p []byte) (int, error) {
	*c += counter(len(p))
	return len(p), nil
}

func (a *archiveWriter) Write(p []byte) (int, error) {
	if a.compressor != nil {
		return a.compressor.Write(p)
	}
	return a.buffered.Write(p)
}

// finish flushes everything and syncs the file, so that metadata.json,
// written afterwards, never describes data that is not on disk.
func (a *archiveWriter) finish() error {
	err := func() error {
		if a.compressor != nil {
			if err := a.compressor.Close(); err != nil {
				return err
			}
		}
		if err := a.buffered.Flush(); err != nil {
			return err
		}
		return a.file.Sync()
	}()
	return errors.Join(err, a.file.Close())
}

// abort stops the compressor's goroutines; the partial file stays for
// failBackup to remove.
func (a *archiveWriter) abort() {
	if a.compressor != nil {
		_ = a.compressor.Close()
	}
	_ = a.file.Close()
}

// backupSource writes one source's archive into dir.
func backupSource(ctx context.Context, dir string, s Source, compression string, level int) (SourceMetadata, error) {
	start := time.Now()
	md := SourceMetadata{Name: s.Name, Kind: KindPaths, File: archiveName(s, compression), BaseDir: s.BaseDir, Paths: s.Paths}
	if s.IsCommand() {
		md.Kind = KindCommand
	}
	a, err := createArchive(filepath.Join(dir, md.File), compression, level)
	if err != nil {
		return md, fmt.Errorf("source %s: %w", s.Name, err)
	}
	if s.IsCommand() {
		err = streamCommand(ctx, a, s.Command)
	} else {
		err = writeTar(ctx, a, s.BaseDir, s.Paths)
	}
	if err != nil {
		a.abort()
		return md, fmt.Errorf("source %s: %w", s.Name, err)
	}
	if err := a.finish(); err != nil {
		return md, fmt.Errorf("source %s: write %s: %w", s.Name, md.File, err)
	}
	md.Bytes, md.SHA256 = a.stored, hex.EncodeToString(a.sum.Sum(nil))
	md.DurationSeconds = time.Since(start).Seconds()
	return md, nil
}

// streamCommand runs argv (no shell) with its standard output streamed into
// w. A failure carries the end of the command's standard error.
func streamCommand(ctx context.Context, w io.Writer, argv []string) error {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	stderr := &tail{max: 2048}
	cmd.Stdout, cmd.Stderr = w, stderr
	// A grandchild that keeps the pipes open must not hang a cancelled run.
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		msg := fmt.Sprintf("command %q: %s", argv[0], err)
		if ctx.Err() != nil {
			msg += fmt.Sprintf(" (%s)", ctx.Err())
		}
		if s := strings.TrimSpace(stderr.String()); s != "" {
			msg += ": " + s
		}
		return errors.New(msg)
	}
	return nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.buf) }

// writeTar streams the given paths below base into a tar archive. Entries
// are named by their path relative to base; symlinks are stored as
// symlinks, never followed; modes, owners and times are kept. Sockets are
// skipped (their daemons recreate them); devices and FIFOs fail the source.
func writeTar(ctx context.Context, w io.Writer, base string, paths []string) error {
	tw := tar.NewWriter(w)
	buf := make([]byte, 256<<10) // one copy buffer for every file
	for _, rel := range paths {
		err := filepath.WalkDir(filepath.Join(base, rel), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			return writeTarEntry(tw, base, path, info, buf)
		})
		if err != nil {
			return fmt.Errorf("archive %s: %w", filepath.Join(base, rel), err)
		}
	}
	return tw.Close()
}

func writeTarEntry(tw *tar.Writer, base, path string, info fs.FileInfo, buf []byte) error {
	link := ""
	switch mode := info.Mode(); {
	case mode&fs.ModeSocket != 0:
		return nil
	case mode&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			return err
		}
		link = target
	case mode.IsDir(), mode.IsRegular():
	default:
		return fmt.Errorf("%s: unsupported file type %s", path, mode.Type())
	}
	hdr, err := tar.FileInfoHeader(info, link)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	rel, err := filepath.Rel(base, path)
	if err != nil {
		return err
	}
	hdr.Name = filepath.ToSlash(rel)
	// PAX keeps sub-second modification times (make and rsync compare them)
	// and has no limits on name length or IDs.
	hdr.Format = tar.FormatPAX
	if info.IsDir() {
		hdr.Name += "/"
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil
	}
	f, err := osfile.OpenNoFollow(path, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	// Exactly the size in the header: a file that grows while it is read is
	// cut there; one that shrinks fails the source.
	n, err := io.CopyBuffer(tw, io.LimitReader(f, hdr.Size), buf)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if n < hdr.Size {
		return fmt.Errorf("%s shrank while it was read", path)
	}
	return nil
}
