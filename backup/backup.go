package backup

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/internal/osfile"
)

// Files inside a backup directory and the destination.
const (
	MetadataFile = "metadata.json"
	FailedFile   = "FAILED"
	LockFile     = ".spice-backup.lock"

	idLayout = "20060102T150405Z"
)

// Status of a backup directory.
const (
	// StatusComplete: metadata.json is there; the only status that counts.
	StatusComplete = "complete"
	// StatusFailed: the run failed; FAILED holds the reason.
	StatusFailed = "failed"
	// StatusIncomplete: neither file; a run that was killed (or is running).
	StatusIncomplete = "incomplete"
)

// Errors that callers tell apart with errors.Is.
var (
	ErrNotFound   = errors.New("no such backup")
	ErrIncomplete = errors.New("backup is not complete")
	ErrCorrupt    = errors.New("backup is corrupt")
	ErrLocked     = errors.New("destination is locked by another spice backup process")
)

// Metadata is metadata.json: written last, atomically, only for a backup
// whose every source succeeded.
type Metadata struct {
	FormatVersion   int              `json:"format_version"`
	ID              string           `json:"id"`
	Policy          string           `json:"policy"`
	Host            string           `json:"host"`
	SpiceVersion    string           `json:"spice_version"`
	Status          string           `json:"status"`
	StartedAt       time.Time        `json:"started_at"`
	FinishedAt      time.Time        `json:"finished_at"`
	DurationSeconds float64          `json:"duration_seconds"`
	Bytes           int64            `json:"bytes"`
	Compression     string           `json:"compression"`
	Sources         []SourceMetadata `json:"sources"`
}

// SourceMetadata describes one archive of a backup. Paths and BaseDir are
// recorded as the backup took them; a restore checks them against the
// policy it runs with, which decides where files go.
type SourceMetadata struct {
	Name            string   `json:"name"`
	Kind            string   `json:"kind"` // "paths" or "command"
	File            string   `json:"file"`
	Bytes           int64    `json:"bytes"`
	SHA256          string   `json:"sha256"`
	DurationSeconds float64  `json:"duration_seconds"`
	BaseDir         string   `json:"base_dir,omitempty"`
	Paths           []string `json:"paths,omitempty"`
	// Snapshot is the restic snapshot holding the source (engine restic,
	// where File and SHA256 are empty: restic checks its own data).
	Snapshot string `json:"snapshot,omitempty"`
}

// Source kinds in SourceMetadata.Kind.
const (
	KindPaths   = "paths"
	KindCommand = "command"
)

// Backup is one backup directory as List sees it.
type Backup struct {
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	Status string    `json:"status"`
	// Bytes and DurationSeconds come from metadata.json (0 unless complete).
	Bytes           int64   `json:"bytes"`
	DurationSeconds float64 `json:"duration_seconds"`
	// Reason is why a backup failed (the FAILED file) or is unreadable.
	Reason   string    `json:"reason,omitempty"`
	Path     string    `json:"path"`
	Metadata *Metadata `json:"-"`
}

// Complete reports whether the backup counts: restorable, protected by
// retention, reported as the last success.
func (b Backup) Complete() bool { return b.Status == StatusComplete }

// backupID is a parsed directory name: UTC timestamp plus an optional
// "-N" suffix used when two runs start within the same second.
type backupID struct {
	time   time.Time
	suffix int
}

func parseID(name string) (backupID, bool) {
	stamp, suffix, hasSuffix := strings.Cut(name, "-")
	t, err := time.Parse(idLayout, stamp)
	if err != nil || t.Format(idLayout) != stamp {
		return backupID{}, false
	}
	id := backupID{time: t}
	if hasSuffix {
		n, err := strconv.Atoi(suffix)
		if err != nil || n < 1 || strconv.Itoa(n) != suffix {
			return backupID{}, false
		}
		id.suffix = n
	}
	return id, true
}

func formatID(t time.Time, suffix int) string {
	id := t.UTC().Format(idLayout)
	if suffix > 0 {
		id += "-" + strconv.Itoa(suffix)
	}
	return id
}

// List returns the backups under the policy's destination, oldest first.
// Only direct children that are real directories (not symlinks) named like
// a backup ID are backups; everything else is ignored. A missing
// destination holds no backups.
func List(p *Policy) ([]Backup, error) {
	entries, err := os.ReadDir(p.Destination)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups of policy %s: %w", p.Name, err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() { // DirEntry types are lstat's: a symlink is not a dir
			dirs = append(dirs, e.Name())
		}
	}
	return collect(dirs, func(name string, t time.Time) Backup { return readBackup(p.Destination, name, t) }), nil
}

// collect reads, with read, the directories among dirs that are named like
// a backup ID, and returns them oldest first; other names are ignored.
func collect(dirs []string, read func(name string, t time.Time) Backup) []Backup {
	type listed struct {
		Backup
		id backupID
	}
	var found []listed
	for _, name := range dirs {
		if id, ok := parseID(name); ok {
			found = append(found, listed{read(name, id.time), id})
		}
	}
	slices.SortFunc(found, func(a, b listed) int {
		return cmp.Or(a.id.time.Compare(b.id.time), cmp.Compare(a.id.suffix, b.id.suffix))
	})
	backups := make([]Backup, len(found))
	for i, f := range found {
		backups[i] = f.Backup
	}
	return backups
}

func readBackup(destination, name string, t time.Time) Backup {
	dir := filepath.Join(destination, name)
	b := Backup{ID: name, Time: t, Status: StatusIncomplete, Path: dir}
	if reason, err := readNoFollow(filepath.Join(dir, FailedFile)); err == nil {
		b.Status, b.Reason = StatusFailed, strings.TrimSpace(string(reason))
		return b
	}
	raw, err := readNoFollow(filepath.Join(dir, MetadataFile))
	return withMetadata(b, raw, err)
}

// withMetadata completes b from its metadata.json as read (raw, err): a
// missing one leaves it incomplete, an unreadable one says why.
func withMetadata(b Backup, raw []byte, err error) Backup {
	if errors.Is(err, fs.ErrNotExist) {
		return b
	}
	var md Metadata
	if err == nil {
		err = json.Unmarshal(raw, &md)
	}
	if err == nil && md.ID != b.ID {
		err = fmt.Errorf("it names backup %q", md.ID)
	}
	if err != nil {
		b.Reason = fmt.Sprintf("unreadable %s: %s", MetadataFile, err)
		return b
	}
	b.Status, b.Bytes, b.DurationSeconds, b.Metadata = StatusComplete, md.Bytes, md.DurationSeconds, &md
	return b
}

// readNoFollow reads a regular file that must not be a symlink.
func readNoFollow(path string) ([]byte, error) {
	f, err := osfile.OpenNoFollow(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return io.ReadAll(f)
}

// find returns the backup with this ID.
func find(p *Policy, id string) (Backup, error) {
	if _, ok := parseID(id); !ok {
		return Backup{}, fmt.Errorf("%q is not a backup ID (like 20261129T093000Z): %w", id, ErrNotFound)
	}
	backups, err := List(p)
	if err != nil {
		return Backup{}, err
	}
	for _, b := range backups {
		if b.ID == id {
			return b, nil
		}
	}
	return Backup{}, fmt.Errorf("backup %s of policy %s in %s: %w", id, p.Name, p.Destination, ErrNotFound)
}
