package backup

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/internal/osfile"
)

// partialSuffix marks a copy being pushed: PATH/.ID.partial on the far
// side, renamed to PATH/ID once every checksum was read back and matched.
// Such a directory is never listed, and the next push removes leftovers.
const partialSuffix = ".partial"

// maxMetadataBytes bounds a metadata.json read from the far side.
const maxMetadataBytes = 1 << 20

// OffsiteRecord is what the agent knows of one off-site target, kept in
// the local destination (OffsiteRecordFile) and rewritten after every
// push: the newest verified copy there and how long its push took.
type OffsiteRecord struct {
	Offsite       string    `json:"offsite"`
	LastAttemptAt time.Time `json:"last_attempt_at"`
	// LastError is why the last push failed; empty when it succeeded.
	LastError     string    `json:"last_error,omitempty"`
	LastSuccessAt time.Time `json:"last_success_at,omitzero"`
	// BackupID and BackupTime name the newest copy verified there.
	BackupID   string    `json:"backup_id,omitempty"`
	BackupTime time.Time `json:"backup_time,omitzero"`
	// PushSeconds is how long that push took: connect, upload, read back
	// and rename (not the retention that follows).
	PushSeconds float64 `json:"push_seconds,omitempty"`
	Bytes       int64   `json:"bytes,omitempty"`
}

// OffsiteRecordFile is where the record of target offsite is kept: a
// hidden file of the destination, which List never takes for a backup.
func OffsiteRecordFile(destination, offsite string) string {
	return destination + "/.spice-offsite-" + offsite + ".json"
}

// ParseOffsiteRecord reads a record written by a push.
func ParseOffsiteRecord(raw []byte) (*OffsiteRecord, error) {
	var r OffsiteRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("off-site record: %w", err)
	}
	return &r, nil
}

// ReadOffsiteRecord returns the record of target offsite; nil when no
// push was tried yet.
func ReadOffsiteRecord(p *Policy, offsite string) (*OffsiteRecord, error) {
	raw, err := readNoFollow(OffsiteRecordFile(p.Destination, offsite))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseOffsiteRecord(raw)
}

// OffsiteResult is one successful push.
type OffsiteResult struct {
	Offsite string
	ID      string
	Bytes   int64
	Seconds float64
	// Pruned lists the copies that retention removed there.
	Pruned []string
}

// FindOffsite returns the policy's target of that name.
func (p *Policy) FindOffsite(name string) (*Offsite, error) {
	var names []string
	for i := range p.Offsite {
		if p.Offsite[i].Name == name {
			return &p.Offsite[i], nil
		}
		names = append(names, p.Offsite[i].Name)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("policy %s has no offsite target", p.Name)
	}
	return nil, fmt.Errorf("policy %s has no offsite target %q (it has %s)", p.Name, name, strings.Join(names, ", "))
}

// retention is the retention that applies on the far side.
func (o *Offsite) retention(p *Policy) Retention {
	if o.Retention != nil {
		return *o.Retention
	}
	return p.Retention
}

func (o *Offsite) port() int {
	if o.Port == 0 {
		return 22
	}
	return o.Port
}

// remote is an SSH/SFTP connection to an off-site target.
type remote struct {
	conn *host.SSH
	stop func() bool
}

// dialOffsite connects with the target's own key, accepting only its
// pinned host key. A key mismatch fails with host's message, which names
// fingerprints, never keys.
func dialOffsite(ctx context.Context, o *Offsite) (*remote, error) {
	key, err := ParseHostKey(o.HostKey)
	if err != nil {
		return nil, fmt.Errorf("host_key %w", err)
	}
	conn, err := host.DialSSH(ctx, host.SSHConfig{
		Address: o.Host, Port: o.port(), User: o.User, PrivateKeyFile: o.PrivateKeyFile,
		HostKey: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))),
	})
	if err != nil {
		return nil, err
	}
	// SFTP calls take no context: closing the connection ends a transfer
	// that the run's timeout or a SIGTERM cancels.
	return &remote{conn: conn, stop: context.AfterFunc(ctx, func() { _ = conn.Close() })}, nil
}

func (r *remote) close() {
	r.stop()
	_ = r.conn.Close()
}

// pushOffsite pushes backup md to every target of the policy in turn and
// records each outcome. A failure does not stop the other targets, and
// nothing local is ever removed because of it.
func pushOffsite(ctx context.Context, p *Policy, md *Metadata, now func() time.Time) ([]OffsiteResult, error) {
	var results []OffsiteResult
	var errs []error
	for i := range p.Offsite {
		o := &p.Offsite[i]
		rec, err := ReadOffsiteRecord(p, o.Name)
		if err != nil || rec == nil {
			rec = &OffsiteRecord{} // an unreadable record is rewritten
		}
		rec.Offsite, rec.LastAttemptAt = o.Name, now().UTC()
		res, err := pushOne(ctx, p, o, md, now)
		if res.ID != "" { // the copy is in place and verified
			rec.LastSuccessAt, rec.BackupID, rec.BackupTime = now().UTC(), res.ID, md.StartedAt.UTC()
			rec.PushSeconds, rec.Bytes = res.Seconds, res.Bytes
			results = append(results, res)
		}
		rec.LastError = ""
		if err != nil {
			err = fmt.Errorf("offsite %s of policy %s, backup %s: %w", o.Name, p.Name, md.ID, err)
			rec.LastError = err.Error()
			errs = append(errs, err)
		}
		raw, _ := json.MarshalIndent(rec, "", "  ")
		if werr := writeAtomic(OffsiteRecordFile(p.Destination, o.Name), append(raw, '\n'), 0o600); werr != nil {
			errs = append(errs, fmt.Errorf("record the push to offsite %s of policy %s: %w", o.Name, p.Name, werr))
		}
	}
	return results, errors.Join(errs...)
}

// pushOne uploads one backup to PATH/.ID.partial, reads every file back
// and compares its checksum with the local metadata, renames the copy to
// PATH/ID and then applies retention there. res.ID is set once the
// verified copy is in place, even when retention fails afterwards.
func pushOne(ctx context.Context, p *Policy, o *Offsite, md *Metadata, now func() time.Time) (res OffsiteResult, err error) {
	clock := time.Now()
	res.Offsite = o.Name
	r, err := dialOffsite(ctx, o)
	if err != nil {
		return res, err
	}
	defer r.close()
	local := filepath.Join(p.Destination, md.ID)
	localMetadata, err := readNoFollow(filepath.Join(local, MetadataFile))
	if err != nil {
		return res, err
	}
	where := r.conn.Name()
	err = r.conn.WithSFTP(ctx, func(sc *sftp.Client) error {
		if err := sc.MkdirAll(o.Path); err != nil {
			return fmt.Errorf("create %s on %s: %w", o.Path, where, err)
		}
		final, tmp := path.Join(o.Path, md.ID), path.Join(o.Path, "."+md.ID+partialSuffix)
		if _, err := sc.Lstat(final); err == nil {
			return fmt.Errorf("%s already exists on %s", final, where)
		}
		if err := removeRemote(sc, tmp); err != nil {
			return fmt.Errorf("remove the leftover %s on %s: %w", tmp, where, err)
		}
		if err := sc.Mkdir(tmp); err != nil {
			return fmt.Errorf("create %s on %s: %w", tmp, where, err)
		}
		if err := copyTo(sc, local, tmp, md); err != nil {
			_ = sc.RemoveAll(tmp)
			return fmt.Errorf("upload to %s on %s: %w", tmp, where, err)
		}
		res.Bytes = md.Bytes + int64(len(localMetadata))
		if err := verifyRemote(sc, tmp, md, localMetadata); err != nil {
			_ = sc.RemoveAll(tmp)
			return fmt.Errorf("the copy on %s fails verification: %w: %w", where, ErrCorrupt, err)
		}
		if err := sc.PosixRename(tmp, final); err != nil {
			return fmt.Errorf("rename %s to %s on %s: %w", tmp, final, where, err)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	res.ID, res.Seconds = md.ID, time.Since(clock).Seconds()
	err = r.conn.WithSFTP(ctx, func(sc *sftp.Client) error {
		var err error
		res.Pruned, err = pruneRemote(sc, o.Path, o.retention(p), now())
		return err
	})
	if err != nil {
		err = fmt.Errorf("apply retention in %s on %s: %w", o.Path, where, err)
	}
	return res, err
}

// copyTo uploads the archives of md from the local backup directory, then
// its metadata.json, each created exclusively, 0600, and synced.
func copyTo(sc *sftp.Client, local, dir string, md *Metadata) error {
	if err := sc.Chmod(dir, 0o700); err != nil {
		return err
	}
	var names []string
	for _, s := range md.Sources {
		if err := checkArchiveName(s.File); err != nil {
			return err
		}
		names = append(names, s.File)
	}
	for _, name := range append(names, MetadataFile) {
		if err := uploadFile(sc, filepath.Join(local, name), path.Join(dir, name)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func uploadFile(sc *sftp.Client, from, to string) error {
	src, err := osfile.OpenNoFollow(from, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer func() { _ = src.Close() }()
	dst, err := sc.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return err
	}
	err = dst.Chmod(0o600)
	if err == nil {
		_, err = dst.ReadFrom(src)
	}
	if err == nil {
		err = dst.Sync()
	}
	return errors.Join(err, dst.Close())
}

// verifyRemote reads every archive of md back from dir on the far side
// and compares size and SHA-256; with wantMetadata, metadata.json must
// hold exactly those bytes.
func verifyRemote(sc *sftp.Client, dir string, md *Metadata, wantMetadata []byte) error {
	var problems []error
	if wantMetadata != nil {
		got, err := readRemote(sc, path.Join(dir, MetadataFile))
		if err == nil && !bytes.Equal(got, wantMetadata) {
			err = errors.New("differs from the local one")
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", MetadataFile, err))
		}
	}
	for _, s := range md.Sources {
		if err := verifyRemoteArchive(sc, dir, s); err != nil {
			problems = append(problems, fmt.Errorf("source %s: %w", s.Name, err))
		}
	}
	return errors.Join(problems...)
}

func verifyRemoteArchive(sc *sftp.Client, dir string, s SourceMetadata) error {
	f, err := openRemote(sc, dir, s.File)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	return checkArchive(f, s)
}

// openRemote opens a regular file (never a link) of a backup directory on
// the far side.
func openRemote(sc *sftp.Client, dir, name string) (*sftp.File, error) {
	if err := checkArchiveName(name); err != nil && name != MetadataFile {
		return nil, err
	}
	p := path.Join(dir, name)
	info, err := sc.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", p)
	}
	return sc.Open(p)
}

func readRemote(sc *sftp.Client, p string) ([]byte, error) {
	f, err := openRemote(sc, path.Dir(p), path.Base(p))
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	raw, err := io.ReadAll(io.LimitReader(f, maxMetadataBytes+1))
	if err == nil && len(raw) > maxMetadataBytes {
		err = fmt.Errorf("%s is larger than %d bytes", p, maxMetadataBytes)
	}
	return raw, err
}

// removeRemote removes a directory tree that may be absent.
func removeRemote(sc *sftp.Client, p string) error {
	if _, err := sc.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return sc.RemoveAll(p)
}

// listRemote lists the copies in dir on the far side, oldest first, as
// List does locally: directories named like a backup ID, complete when
// their metadata.json reads.
func listRemote(sc *sftp.Client, dir string) ([]Backup, error) {
	infos, err := sc.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, info := range infos {
		if info.IsDir() { // attributes as lstat gives them: a link is not a dir
			dirs = append(dirs, info.Name())
		}
	}
	return collect(dirs, func(name string, t time.Time) Backup {
		b := Backup{ID: name, Time: t, Status: StatusIncomplete, Path: path.Join(dir, name)}
		raw, err := readRemote(sc, path.Join(dir, name, MetadataFile))
		return withMetadata(b, raw, err)
	}), nil
}

// pruneRemote applies retention r in dir on the far side, as prune does
// locally, and removes the leftovers of pushes that were killed.
func pruneRemote(sc *sftp.Client, dir string, r Retention, now time.Time) ([]string, error) {
	infos, err := sc.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, info := range infos {
		id, partial := strings.CutSuffix(strings.TrimPrefix(info.Name(), "."), partialSuffix)
		if _, ok := parseID(id); ok && partial && strings.HasPrefix(info.Name(), ".") && info.IsDir() {
			if err := sc.RemoveAll(path.Join(dir, info.Name())); err != nil {
				errs = append(errs, err)
			}
		}
	}
	backups, err := listRemote(sc, dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, b := range expired(backups, r, now) {
		if err := sc.RemoveAll(b.Path); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", b.Path, err))
			continue
		}
		removed = append(removed, b.ID)
	}
	return removed, errors.Join(errs...)
}

// withRemote connects to the policy's target name and runs fn with its
// SFTP client.
func withRemote(ctx context.Context, p *Policy, name string, fn func(o *Offsite, where string, sc *sftp.Client) error) error {
	o, err := p.FindOffsite(name)
	if err != nil {
		return err
	}
	r, err := dialOffsite(ctx, o)
	if err != nil {
		return fmt.Errorf("offsite %s of policy %s: %w", o.Name, p.Name, err)
	}
	defer r.close()
	return r.conn.WithSFTP(ctx, func(sc *sftp.Client) error { return fn(o, r.conn.Name(), sc) })
}

// ListOffsite lists the copies on target name, oldest first. Path in each
// is the far side's.
func ListOffsite(ctx context.Context, p *Policy, name string) ([]Backup, error) {
	var backups []Backup
	err := withRemote(ctx, p, name, func(o *Offsite, where string, sc *sftp.Client) error {
		var err error
		if backups, err = listRemote(sc, o.Path); err != nil {
			return fmt.Errorf("list %s on %s: %w", o.Path, where, err)
		}
		return nil
	})
	return backups, err
}

// VerifyOffsite reads every archive of copy id back from target name and
// checks it against the copy's metadata.json, as Verify does locally.
func VerifyOffsite(ctx context.Context, p *Policy, name, id string) (*Metadata, error) {
	if _, ok := parseID(id); !ok {
		return nil, fmt.Errorf("%q is not a backup ID (like 20261129T093000Z): %w", id, ErrNotFound)
	}
	var md *Metadata
	err := withRemote(ctx, p, name, func(o *Offsite, where string, sc *sftp.Client) error {
		dir := path.Join(o.Path, id)
		raw, err := readRemote(sc, path.Join(dir, MetadataFile))
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("backup %s of policy %s on offsite %s (%s): %w", id, p.Name, o.Name, where, ErrNotFound)
		}
		b := withMetadata(Backup{ID: id, Status: StatusIncomplete}, raw, err)
		if !b.Complete() {
			return fmt.Errorf("copy %s of policy %s on offsite %s is incomplete: %s: %w", id, p.Name, o.Name, b.Reason, ErrIncomplete)
		}
		if err := verifyRemote(sc, dir, b.Metadata, nil); err != nil {
			return fmt.Errorf("copy %s of policy %s on offsite %s (%s): %w: %w", id, p.Name, o.Name, where, ErrCorrupt, err)
		}
		md = b.Metadata
		return nil
	})
	return md, err
}

// RestoreOffsite downloads copy id from target name into a staging
// directory inside the destination (under the destination lock), then
// restores from there as Restore does: every checksum is verified before
// anything is touched. The staging directory is removed afterwards; the
// copy is not kept as a local backup.
func RestoreOffsite(ctx context.Context, p *Policy, name, id string, opts RestoreOptions) ([]Restored, error) {
	if _, ok := parseID(id); !ok {
		return nil, fmt.Errorf("%q is not a backup ID (like 20261129T093000Z): %w", id, ErrNotFound)
	}
	lock, err := lockDestination(p)
	if err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp(p.Destination, ".offsite-restore-")
	lock.release() // Restore takes the lock of the staging directory
	if err != nil {
		return nil, fmt.Errorf("stage a copy from offsite %s: %w", name, err)
	}
	defer func() { _ = os.RemoveAll(stage) }()
	err = withRemote(ctx, p, name, func(o *Offsite, where string, sc *sftp.Client) error {
		if err := download(sc, path.Join(o.Path, id), filepath.Join(stage, id)); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				err = fmt.Errorf("%w: %w", ErrNotFound, err)
			}
			return fmt.Errorf("fetch copy %s from offsite %s (%s): %w", id, o.Name, where, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	staged := *p
	staged.Destination = stage
	return Restore(&staged, id, opts)
}

// download copies a backup directory from the far side: the archives its
// metadata.json lists, then metadata.json itself (so that an interrupted
// download is incomplete, never complete).
func download(sc *sftp.Client, from, to string) error {
	raw, err := readRemote(sc, path.Join(from, MetadataFile))
	if err != nil {
		return err
	}
	var md Metadata
	if err := json.Unmarshal(raw, &md); err != nil {
		return fmt.Errorf("%s: %w", MetadataFile, err)
	}
	if err := os.Mkdir(to, 0o700); err != nil {
		return err
	}
	for _, s := range md.Sources {
		if err := downloadFile(sc, from, s.File, filepath.Join(to, s.File)); err != nil {
			return fmt.Errorf("%s: %w", s.File, err)
		}
	}
	return os.WriteFile(filepath.Join(to, MetadataFile), raw, 0o600)
}

func downloadFile(sc *sftp.Client, dir, name, to string) error {
	src, err := openRemote(sc, dir, name)
	if err != nil {
		return err
	}
	defer func() { _ = src.Close() }()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = src.WriteTo(dst)
	return errors.Join(err, dst.Close())
}
