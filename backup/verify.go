package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spice-harvester/terraform-provider-spice/internal/osfile"
)

// Verify checks a backup: it must be complete, and every archive that
// metadata.json lists must have the recorded size and SHA-256. Problems are
// all reported, wrapped in ErrCorrupt (or ErrIncomplete / ErrNotFound).
func Verify(p *Policy, id string) (*Metadata, error) {
	b, err := find(p, id)
	if err != nil {
		return nil, err
	}
	if !b.Complete() {
		reason := ""
		if b.Reason != "" {
			reason = ": " + b.Reason
		}
		return nil, fmt.Errorf("backup %s of policy %s is %s%s: %w", id, p.Name, b.Status, reason, ErrIncomplete)
	}
	var problems []error
	for _, s := range b.Metadata.Sources {
		if err := verifyArchive(b.Path, s); err != nil {
			problems = append(problems, fmt.Errorf("source %s: %w", s.Name, err))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("backup %s of policy %s: %w: %w", id, p.Name, ErrCorrupt, errors.Join(problems...))
	}
	return b.Metadata, nil
}

func verifyArchive(dir string, s SourceMetadata) error {
	if err := checkArchiveName(s.File); err != nil {
		return err
	}
	f, err := osfile.OpenNoFollow(filepath.Join(dir, s.File), os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", s.File)
	}
	return checkArchive(f, s)
}

// checkArchive reads an archive to its end and compares its size and
// SHA-256 with what metadata.json recorded.
func checkArchive(r io.Reader, s SourceMetadata) error {
	sum := sha256.New()
	n, err := io.Copy(sum, r)
	if err != nil {
		return fmt.Errorf("read %s: %w", s.File, err)
	}
	if n != s.Bytes {
		return fmt.Errorf("%s has %d bytes, metadata says %d", s.File, n, s.Bytes)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != s.SHA256 {
		return fmt.Errorf("%s has sha256 %s, metadata says %s", s.File, got, s.SHA256)
	}
	return nil
}

// checkArchiveName refuses an archive name from metadata.json that is not
// a plain file name in the backup directory.
func checkArchiveName(name string) error {
	if !filepath.IsLocal(name) || filepath.Base(name) != name || name == MetadataFile {
		return fmt.Errorf("archive name %q is not a file in the backup directory", name)
	}
	return nil
}
