package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// Options tune a run.
type Options struct {
	// Version is the spice version recorded in metadata.json.
	Version string
	// Now is the clock that names the backup and drives retention;
	// time.Now when nil. Durations are always measured on the real clock.
	Now func() time.Time
}

// Result is what a run did. On failure ID names the failed backup (if one
// was started) and Metadata is nil.
type Result struct {
	ID       string
	Metadata *Metadata
	// Removed lists the incomplete backups of killed runs that this run
	// removed before it started.
	Removed []Removed
	// Pruned lists the backups that retention removed after the run.
	Pruned []string
	// Offsite lists the verified copies pushed to off-site targets.
	Offsite []OffsiteResult
}

const metadataFormatVersion = 1

// Run makes one backup of every source of the policy into a new directory
// under the destination, holding the destination lock throughout. It first
// removes what killed runs left (removeIncomplete). Sources
// run in order; the first failure stops the run, writes FAILED with the
// reason, removes the partial archives and returns the error. metadata.json
// is written last and atomically. After a successful run retention prunes
// old backups; then the backup is pushed to every off-site target, where
// retention applies too. A failed push fails the run but keeps the local
// backup. The metrics file, if any, is rewritten after every run.
func Run(ctx context.Context, p *Policy, opts Options) (*Result, error) {
	return runLocked(p, opts, func(now func() time.Time, res *Result) error {
		// A failed removal fails the run but does not stop the backup.
		var removeErr error
		res.Removed, removeErr = removeIncomplete(p)
		md, err := runSources(ctx, p, opts, now().UTC(), res)
		if err == nil {
			res.Metadata = md
			res.Pruned, err = prune(p, now())
			var pushErr error
			res.Offsite, pushErr = pushOffsite(ctx, p, md, now)
			err = errors.Join(err, pushErr)
		}
		return errors.Join(removeErr, err)
	})
}

// runLocked is what every engine's run shares: the policy validated, the
// destination locked for the whole run, and the metrics file rewritten
// after it, successful or not. backup fills res.
func runLocked(p *Policy, opts Options, backup func(now func() time.Time, res *Result) error) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("backup policy %s: %w", p.Name, err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	lock, err := lockDestination(p)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	clock := time.Now()
	res := &Result{}
	err = backup(now, res)
	return res, errors.Join(err, writeMetrics(p, err == nil, time.Since(clock).Seconds(), res.Removed))
}

func runSources(ctx context.Context, p *Policy, opts Options, start time.Time, res *Result) (*Metadata, error) {
	var err error
	res.ID, err = makeBackupDir(p.Destination, start)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", p.Name, err)
	}
	dir := filepath.Join(p.Destination, res.ID)
	hostname, _ := os.Hostname()
	md := &Metadata{
		FormatVersion: metadataFormatVersion, ID: res.ID, Policy: p.Name, Host: hostname,
		SpiceVersion: opts.Version, Status: StatusComplete, StartedAt: start, Compression: p.compression(),
	}
	clock := time.Now()
	for _, s := range p.Sources {
		smd, err := backupSource(ctx, dir, s, p.compression(), p.compressionLevel())
		if err != nil {
			return nil, failBackup(dir, fmt.Errorf("backup %s of policy %s: %w", res.ID, p.Name, err))
		}
		md.Sources = append(md.Sources, smd)
		md.Bytes += smd.Bytes
	}
	md.DurationSeconds = time.Since(clock).Seconds()
	md.FinishedAt = start.Add(time.Since(clock))
	raw, err := json.MarshalIndent(md, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(filepath.Join(dir, MetadataFile), append(raw, '\n'), 0o600); err != nil {
		return nil, failBackup(dir, fmt.Errorf("backup %s of policy %s: write %s: %w", res.ID, p.Name, MetadataFile, err))
	}
	return md, nil
}

// makeBackupDir creates the directory of a new backup, named by its UTC
// start time; within the same second a "-N" suffix keeps the names apart.
func makeBackupDir(destination string, start time.Time) (string, error) {
	for suffix := 0; ; suffix++ {
		id := formatID(start, suffix)
		err := os.Mkdir(filepath.Join(destination, id), 0o700)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("create backup directory: %w", err)
		}
	}
}

// failBackup marks a backup failed: FAILED holds the reason, the partial
// archives are removed (a failed backup is never restored, and a failing
// daily job must not fill the disk).
func failBackup(dir string, cause error) error {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Type().IsRegular() && e.Name() != FailedFile {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	if err := writeAtomic(filepath.Join(dir, FailedFile), []byte(cause.Error()+"\n"), 0o600); err != nil {
		return errors.Join(cause, fmt.Errorf("write %s: %w", FailedFile, err))
	}
	return cause
}

// writeAtomic writes through host.Local: temp file, fsync, rename, fsync
// of the directory.
func writeAtomic(path string, content []byte, perm host.Perm) error {
	local, err := host.NewLocal("/")
	if err != nil {
		return err
	}
	return local.WriteFile(context.Background(), path, content, host.Attrs{Perm: perm, UID: host.KeepID, GID: host.KeepID})
}
