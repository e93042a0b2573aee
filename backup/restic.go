package backup

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ResticMinVersion is the oldest restic the engine drives: 0.14 brought
// repository format 2 (compressed) and is what Debian 12 ships.
var ResticMinVersion = [3]int{0, 14, 0}

// Tags that tie restic snapshots to spice backups. One backup is one
// snapshot per source plus a last snapshot of metadata.json, tagged
// complete: a backup without it was cut short and never counts.
const (
	tagPolicy   = "spice-policy="
	tagBackup   = "spice-backup="
	tagSource   = "spice-source="
	tagKind     = "spice-kind="
	tagComplete = "spice-complete"
	tagBytes    = "spice-bytes="
	tagSeconds  = "spice-seconds="
	tagSources  = "spice-sources="
)

// resticSchemes are the repository locations restic takes besides a local
// path.
var resticSchemes = []string{"local:", "sftp:", "rest:", "s3:", "b2:", "azure:", "gs:", "swift:", "rclone:"}

// validateEngine checks engine, repository and password_file.
func (p *Policy) validateEngine(checkAbsolute func(attr, dir string) bool) []error {
	var errs []error
	bad := func(attr, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{attr}, args...)...))
	}
	switch p.Engine {
	case "", EngineNative:
		if p.Repository != "" {
			bad("repository", "is only used with engine = %q", EngineRestic)
		}
		if p.PasswordFile != "" {
			bad("password_file", "is only used with engine = %q", EngineRestic)
		}
	case EngineRestic:
		switch {
		case p.Repository == "":
			bad("repository", "is required with engine = %q: a local path or a restic location such as sftp:user@host:/path", EngineRestic)
		case strings.HasPrefix(p.Repository, "/"):
			checkAbsolute("repository", p.Repository)
		case !slices.ContainsFunc(resticSchemes, func(s string) bool { return strings.HasPrefix(p.Repository, s) }):
			bad("repository", "must be an absolute path or start with one of %s", strings.Join(resticSchemes, " "))
		}
		if p.PasswordFile == "" {
			bad("password_file", "is required with engine = %q", EngineRestic)
		} else {
			checkAbsolute("password_file", p.PasswordFile)
		}
		if len(p.Offsite) > 0 {
			bad("offsite", "is for the native engine: with restic, an sftp: (or other remote) repository is the off-site copy")
		}
	default:
		bad("engine", "%q is not supported: use %q or %q", p.Engine, EngineNative, EngineRestic)
	}
	return errs
}

// OffsiteRepository reports whether the policy's backups leave the host:
// a restic repository that is not a local path. Recovery objectives count
// its backups as verified off-site copies.
func (p *Policy) OffsiteRepository() bool {
	return p.Engine == EngineRestic && !strings.HasPrefix(p.Repository, "/") && !strings.HasPrefix(p.Repository, "local:")
}

// resticEngine keeps the backups in a restic repository, which does the
// deduplication, compression and encryption. Destination holds the lock,
// restic's cache and the metrics' view; the password reaches restic only
// as RESTIC_PASSWORD_FILE, the repository as RESTIC_REPOSITORY.
type resticEngine struct {
	p           *Policy
	versionOnce sync.Once
	versionErr  error
}

// resticError is a failed restic command: what it was doing and the end of
// what it said.
type resticError struct {
	op, location, stderr string
	err                  error
}

func (e *resticError) Error() string {
	msg := fmt.Sprintf("restic %s on repository %s: %s", e.op, e.location, e.err)
	if e.stderr != "" {
		msg += ": " + e.stderr
	}
	return msg
}

func (e *resticError) Unwrap() error { return e.err }

// noRepository reports whether restic found no repository at the location
// (restic 0.14 says so only in words; later versions also exit 10).
func (e *resticError) noRepository() bool {
	var exit *exec.ExitError
	return strings.Contains(e.stderr, "Is there a repository at the following location?") ||
		(errors.As(e.err, &exit) && exit.ExitCode() == 10)
}

// errWrongPassword: restic could not open the repository with the
// password in password_file.
var errWrongPassword = errors.New("wrong password: the password file does not open the repository")

// location is the repository as it may be printed: a URL's password is
// masked.
func (e *resticEngine) location() string {
	repo := e.p.Repository
	for _, scheme := range []string{"rest:", "s3:", "swift:"} {
		if rest, ok := strings.CutPrefix(repo, scheme); ok {
			if u, err := url.Parse(rest); err == nil && u.User != nil {
				if _, has := u.User.Password(); has {
					u.User = url.UserPassword(u.User.Username(), "xxxxx")
					return scheme + u.String()
				}
			}
		}
	}
	return repo
}

// command prepares `restic ARGS`: the repository and the password file
// come through the environment, and any RESTIC_* variable inherited from
// the caller is dropped so that only the policy speaks.
func (e *resticEngine) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "restic", args...)
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "RESTIC_") })
	env = append(env,
		"RESTIC_REPOSITORY="+e.p.Repository,
		"RESTIC_PASSWORD_FILE="+e.p.PasswordFile,
		"RESTIC_CACHE_DIR="+filepath.Join(e.p.Destination, ".restic-cache"),
	)
	cmd.Env = env
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// run runs `restic ARGS` with stdout as given, after checking restic's
// version once.
func (e *resticEngine) run(ctx context.Context, stdout io.Writer, args ...string) error {
	if err := e.checkVersion(ctx); err != nil {
		return err
	}
	cmd := e.command(ctx, args...)
	stderr := &tail{max: 2048}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return e.failed(args[0], cmd.Run(), stderr)
}

// failed wraps err (nil: nil) with what restic said.
func (e *resticEngine) failed(op string, err error, stderr *tail) error {
	if err == nil {
		return nil
	}
	said := strings.TrimSpace(stderr.String())
	if strings.Contains(said, "wrong password or no key found") {
		err, said = errWrongPassword, ""
	}
	return &resticError{op: op, location: e.location(), stderr: said, err: err}
}

// output runs `restic ARGS` and returns its standard output.
func (e *resticEngine) output(ctx context.Context, args ...string) ([]byte, error) {
	var out bytes.Buffer
	err := e.run(ctx, &out, args...)
	return out.Bytes(), err
}

var resticVersionLine = regexp.MustCompile(`^restic (\d+)\.(\d+)\.(\d+)`)

// checkVersion refuses a missing restic or one older than
// ResticMinVersion, saying what to do.
func (e *resticEngine) checkVersion(ctx context.Context) error {
	e.versionOnce.Do(func() {
		want := fmt.Sprintf("%d.%d.%d", ResticMinVersion[0], ResticMinVersion[1], ResticMinVersion[2])
		out, err := exec.CommandContext(ctx, "restic", "version").Output()
		if errors.Is(err, exec.ErrNotFound) {
			e.versionErr = fmt.Errorf("policy %s uses engine restic, but restic is not installed on this host: install restic %s or newer (for instance with spice_package)", e.p.Name, want)
			return
		}
		if err != nil {
			e.versionErr = fmt.Errorf("restic version: %w", err)
			return
		}
		m := resticVersionLine.FindStringSubmatch(string(out))
		if m == nil {
			e.versionErr = fmt.Errorf("restic version printed %q, not a version", strings.TrimSpace(string(out)))
			return
		}
		var got [3]int
		for i := range got {
			got[i], _ = strconv.Atoi(m[i+1])
		}
		if slices.Compare(got[:], ResticMinVersion[:]) < 0 {
			e.versionErr = fmt.Errorf("restic %d.%d.%d is too old for policy %s: spice needs restic %s or newer", got[0], got[1], got[2], e.p.Name, want)
		}
	})
	return e.versionErr
}

// resticSnapshot is what `restic snapshots --json` says of one snapshot.
type resticSnapshot struct {
	ID    string    `json:"id"`
	Time  time.Time `json:"time"`
	Paths []string  `json:"paths"`
	Tags  []string  `json:"tags"`
}

// tag returns the value of the tag with prefix, "" when absent.
func (s resticSnapshot) tag(prefix string) string {
	for _, t := range s.Tags {
		if v, ok := strings.CutPrefix(t, prefix); ok {
			return v
		}
	}
	return ""
}

// snapshots lists the policy's snapshots; a repository that does not
// exist yet (exists false) holds none.
func (e *resticEngine) snapshots(ctx context.Context) (snaps []resticSnapshot, exists bool, err error) {
	out, err := e.output(ctx, "snapshots", "--json", "--tag", tagPolicy+e.p.Name)
	var rerr *resticError
	if errors.As(err, &rerr) && rerr.noRepository() {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("list backups of policy %s: %w", e.p.Name, err)
	}
	if err := json.Unmarshal(out, &snaps); err != nil {
		return nil, true, fmt.Errorf("list backups of policy %s: restic snapshots printed no snapshot list: %w", e.p.Name, err)
	}
	return snaps, true, nil
}

// List groups the policy's snapshots into backups by their backup tag,
// oldest first. A backup is complete when its metadata snapshot is there
// and it has every source it recorded; its Path is the repository.
func (e *resticEngine) List(ctx context.Context) ([]Backup, error) {
	snaps, _, err := e.snapshots(ctx)
	if err != nil {
		return nil, err
	}
	return e.backups(snaps), nil
}

func (e *resticEngine) backups(snaps []resticSnapshot) []Backup {
	byID := map[string][]resticSnapshot{}
	var ids []string
	for _, s := range snaps {
		id := s.tag(tagBackup)
		if _, seen := byID[id]; !seen {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], s)
	}
	return collect(ids, func(id string, t time.Time) Backup {
		return e.backup(id, t, byID[id])
	})
}

// backup reads one backup from its snapshots.
func (e *resticEngine) backup(id string, t time.Time, snaps []resticSnapshot) Backup {
	b := Backup{ID: id, Time: t, Status: StatusIncomplete, Path: e.location()}
	md := &Metadata{FormatVersion: metadataFormatVersion, ID: id, Policy: e.p.Name, Status: StatusComplete, StartedAt: t}
	wantSources := -1
	for _, s := range snaps {
		if slices.Contains(s.Tags, tagComplete) {
			md.Bytes, _ = strconv.ParseInt(s.tag(tagBytes), 10, 64)
			md.DurationSeconds, _ = strconv.ParseFloat(s.tag(tagSeconds), 64)
			md.FinishedAt = t.Add(time.Duration(md.DurationSeconds * float64(time.Second)))
			wantSources, _ = strconv.Atoi(s.tag(tagSources))
			continue
		}
		sm := SourceMetadata{Name: s.tag(tagSource), Kind: s.tag(tagKind), Snapshot: s.ID}
		if src, ok := e.source(sm.Name); ok && sm.Kind == KindPaths {
			// The snapshot records absolute paths; the policy's base_dir
			// decides where they go, as for a native backup.
			sm.BaseDir = src.BaseDir
			for _, abs := range s.Paths {
				if rel, err := filepath.Rel(src.BaseDir, abs); err == nil && filepath.IsLocal(rel) {
					sm.Paths = append(sm.Paths, rel)
				}
			}
		}
		if sm.Kind == KindCommand {
			sm.File = sm.Name + ".out"
		}
		md.Sources = append(md.Sources, sm)
	}
	slices.SortFunc(md.Sources, func(a, b SourceMetadata) int { return strings.Compare(a.Name, b.Name) })
	switch {
	case wantSources < 0:
	case wantSources != len(md.Sources):
		b.Reason = fmt.Sprintf("the repository holds %d of its %d sources", len(md.Sources), wantSources)
	default:
		b.Status, b.Bytes, b.DurationSeconds, b.Metadata = StatusComplete, md.Bytes, md.DurationSeconds, md
	}
	return b
}

func (e *resticEngine) source(name string) (Source, bool) {
	i := slices.IndexFunc(e.p.Sources, func(s Source) bool { return s.Name == name })
	if i < 0 {
		return Source{}, false
	}
	return e.p.Sources[i], true
}

// summary is the last line of `restic backup --json`.
type summary struct {
	MessageType string `json:"message_type"`
	DataAdded   int64  `json:"data_added"`
	SnapshotID  string `json:"snapshot_id"`
}

// Run makes one backup: restic's repository is created if it does not exist
// yet, leftovers of a run that was killed are forgotten, each source becomes
// a snapshot (paths read from base_dir, a command's output through
// --stdin), and a last snapshot of metadata.json marks the backup complete.
// Retention then runs restic's forget --prune. A failed run forgets what it
// had stored.
func (e *resticEngine) Run(ctx context.Context, opts Options) (*Result, error) {
	return runLocked(e.p, opts, func(now func() time.Time, res *Result) error {
		md, err := e.backupAll(ctx, opts, now().UTC(), res)
		if err == nil {
			res.Metadata = md
			res.Pruned, err = e.forget(ctx)
		}
		return err
	})
}

func (e *resticEngine) backupAll(ctx context.Context, opts Options, start time.Time, res *Result) (*Metadata, error) {
	p := e.p
	snaps, exists, err := e.snapshots(ctx)
	if err != nil {
		return nil, err
	}
	if !exists {
		if err := e.init(ctx); err != nil {
			return nil, err
		}
	}
	existing := e.backups(snaps)
	if err := e.forgetIncomplete(ctx, existing, snaps); err != nil {
		return nil, err
	}
	for suffix := 0; ; suffix++ {
		res.ID = formatID(start, suffix)
		if !slices.ContainsFunc(existing, func(b Backup) bool { return b.ID == res.ID }) {
			break
		}
	}
	hostname, _ := os.Hostname()
	md := &Metadata{
		FormatVersion: metadataFormatVersion, ID: res.ID, Policy: p.Name, Host: hostname,
		SpiceVersion: opts.Version, Status: StatusComplete, StartedAt: start,
	}
	clock := time.Now()
	for _, s := range p.Sources {
		sm, err := e.backupSource(ctx, res.ID, start, s)
		if err != nil {
			return nil, e.abandon(res.ID, fmt.Errorf("backup %s of policy %s: source %s: %w", res.ID, p.Name, s.Name, err))
		}
		md.Sources = append(md.Sources, sm)
		md.Bytes += sm.Bytes
	}
	md.DurationSeconds = time.Since(clock).Seconds()
	md.FinishedAt = start.Add(time.Since(clock))
	raw, err := json.MarshalIndent(md, "", "  ")
	if err != nil {
		return nil, err
	}
	tags := []string{tagComplete, tagBytes + strconv.FormatInt(md.Bytes, 10),
		tagSeconds + strconv.FormatFloat(md.DurationSeconds, 'f', 3, 64), tagSources + strconv.Itoa(len(md.Sources))}
	if _, err := e.store(ctx, res.ID, start, "", bytes.NewReader(raw), tags, "--stdin", "--stdin-filename", MetadataFile); err != nil {
		return nil, e.abandon(res.ID, fmt.Errorf("backup %s of policy %s: %s: %w", res.ID, p.Name, MetadataFile, err))
	}
	return md, nil
}

// init creates the repository.
func (e *resticEngine) init(ctx context.Context) error {
	if err := e.run(ctx, io.Discard, "init"); err != nil {
		return fmt.Errorf("create the repository of policy %s: %w", e.p.Name, err)
	}
	return nil
}

func (e *resticEngine) backupSource(ctx context.Context, id string, start time.Time, s Source) (SourceMetadata, error) {
	sm := SourceMetadata{Name: s.Name, Kind: KindPaths, BaseDir: s.BaseDir, Paths: s.Paths}
	clock := time.Now()
	tags := []string{tagSource + s.Name}
	var sum *summary
	var err error
	if s.IsCommand() {
		sm.Kind, sm.File = KindCommand, s.Name+".out"
		sum, err = e.storeCommand(ctx, id, start, s, append(tags, tagKind+KindCommand))
	} else {
		// Relative paths from base_dir: the snapshot holds them below
		// its root, as a native archive does.
		sum, err = e.store(ctx, id, start, s.BaseDir, nil, append(tags, tagKind+KindPaths), append([]string{"--"}, s.Paths...)...)
	}
	if err != nil {
		return sm, err
	}
	sm.Bytes, sm.Snapshot = sum.DataAdded, sum.SnapshotID
	sm.DurationSeconds = time.Since(clock).Seconds()
	return sm, nil
}

// storeCommand streams a command's standard output into restic --stdin.
// A failing command kills restic, so no snapshot of a partial stream is
// kept (abandon forgets one that was made all the same).
func (e *resticEngine) storeCommand(ctx context.Context, id string, start time.Time, s Source, tags []string) (*summary, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	var cmdErr error
	var cmdFirst bool // the command failed on its own, not killed for restic
	done := make(chan struct{})
	go func() {
		defer close(done)
		cmdErr = streamCommand(ctx, pw, s.Command)
		if cmdErr != nil && ctx.Err() == nil {
			cmdFirst = true
			cancel()
		}
		_ = pw.CloseWithError(cmdErr)
	}()
	sum, err := e.store(ctx, id, start, "", pr, tags, "--stdin", "--stdin-filename", s.Name+".out")
	if err != nil {
		cancel()
	}
	_ = pr.Close()
	<-done
	switch {
	case cmdFirst:
		return nil, cmdErr
	case err != nil:
		return nil, err
	case cmdErr != nil:
		return nil, cmdErr
	}
	return sum, nil
}

// store runs restic backup with the backup's tags and time and returns its
// JSON summary.
func (e *resticEngine) store(ctx context.Context, id string, start time.Time, dir string, stdin io.Reader, tags []string, args ...string) (*summary, error) {
	if err := e.checkVersion(ctx); err != nil {
		return nil, err
	}
	all := []string{"backup", "--json", "--host", hostnameOr(), "--time", start.Format("2006-01-02 15:04:05"),
		"--tag", tagPolicy + e.p.Name, "--tag", tagBackup + id}
	for _, t := range tags {
		all = append(all, "--tag", t)
	}
	cmd := e.command(ctx, append(all, args...)...)
	cmd.Dir = dir
	stderr := &tail{max: 2048}
	var out bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, stderr
	if err := e.failed("backup", cmd.Run(), stderr); err != nil {
		return nil, err
	}
	// Progress lines come first; the summary is the last.
	var sum *summary
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line summary
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.MessageType == "summary" {
			sum = &line
		}
	}
	if sum == nil || sum.SnapshotID == "" {
		return nil, fmt.Errorf("restic backup printed no summary with a snapshot")
	}
	return sum, nil
}

func hostnameOr() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return h
}

// abandon forgets the snapshots a failed run stored, so that nothing of it
// is ever restored or kept; cause stays the error.
func (e *resticEngine) abandon(id string, cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	snaps, _, err := e.snapshots(ctx)
	if err != nil {
		return errors.Join(cause, err)
	}
	var ids []string
	for _, s := range snaps {
		if s.tag(tagBackup) == id {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 {
		return cause
	}
	if err := e.run(ctx, io.Discard, append([]string{"forget", "--"}, ids...)...); err != nil {
		return errors.Join(cause, fmt.Errorf("forget the snapshots of failed backup %s: %w", id, err))
	}
	return cause
}

// forgetIncomplete forgets the snapshots of backups that a killed run left
// without their metadata snapshot (the run holds the lock: none is in
// progress). The next prune frees their data.
func (e *resticEngine) forgetIncomplete(ctx context.Context, backups []Backup, snaps []resticSnapshot) error {
	var ids []string
	for _, b := range backups {
		if b.Complete() {
			continue
		}
		for _, s := range snaps {
			if s.tag(tagBackup) == b.ID {
				ids = append(ids, s.ID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if err := e.run(ctx, io.Discard, append([]string{"forget", "--"}, ids...)...); err != nil {
		return fmt.Errorf("forget the snapshots of incomplete backups of policy %s: %w", e.p.Name, err)
	}
	return nil
}

// forget applies retention as restic keep rules, per source (snapshots
// grouped by their paths): keep what is within retention.days of the
// newest snapshot, and the newest max(min_keep, 1). It returns the backups
// whose snapshots were forgotten. days = 0 keeps everything.
func (e *resticEngine) forget(ctx context.Context) ([]string, error) {
	r := e.p.Retention
	if r.Days == 0 {
		return nil, nil
	}
	out, err := e.output(ctx, "forget", "--json", "--prune", "--tag", tagPolicy+e.p.Name, "--group-by", "paths",
		"--keep-within", fmt.Sprintf("%dd", r.Days), "--keep-last", strconv.Itoa(max(r.MinKeep, 1)))
	if err != nil {
		return nil, fmt.Errorf("retention of policy %s: %w", e.p.Name, err)
	}
	var groups []struct {
		Remove []resticSnapshot `json:"remove"`
	}
	// The JSON comes first; prune's report follows as text.
	if err := json.NewDecoder(bytes.NewReader(out)).Decode(&groups); err != nil {
		return nil, fmt.Errorf("retention of policy %s: restic forget printed no JSON: %w", e.p.Name, err)
	}
	var removed []string
	for _, g := range groups {
		for _, s := range g.Remove {
			if id := s.tag(tagBackup); !slices.Contains(removed, id) {
				removed = append(removed, id)
			}
		}
	}
	slices.Sort(removed)
	return removed, nil
}

// Verify checks that the backup is complete and runs restic check on the
// repository: its index, packs, snapshots and trees. Every blob a restore
// reads is authenticated by restic as it is decrypted.
func (e *resticEngine) Verify(ctx context.Context, id string) (*Metadata, error) {
	if _, ok := parseID(id); !ok {
		return nil, fmt.Errorf("%q is not a backup ID (like 20261129T093000Z): %w", id, ErrNotFound)
	}
	backups, err := e.List(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(backups, func(b Backup) bool { return b.ID == id })
	if i < 0 {
		return nil, fmt.Errorf("backup %s of policy %s in %s: %w", id, e.p.Name, e.location(), ErrNotFound)
	}
	if b := backups[i]; !b.Complete() {
		reason := ""
		if b.Reason != "" {
			reason = ": " + b.Reason
		}
		return nil, fmt.Errorf("backup %s of policy %s is %s%s: %w", id, e.p.Name, b.Status, reason, ErrIncomplete)
	}
	if err := e.run(ctx, io.Discard, "check"); err != nil {
		return nil, fmt.Errorf("backup %s of policy %s: %w: %w", id, e.p.Name, ErrCorrupt, err)
	}
	return backups[i].Metadata, nil
}

// Restore verifies the backup, has restic restore each chosen source into
// staging directories beside its targets and then moves everything into
// place as the native restore does: a failure changes nothing.
func (e *resticEngine) Restore(ctx context.Context, id string, opts RestoreOptions) ([]Restored, error) {
	return restoreWith(e.p, id, opts, func() (*Metadata, error) { return e.Verify(ctx, id) },
		func(_ *Metadata, s SourceMetadata, to string) ([]*placement, error) {
			return e.stageSource(ctx, id, s, to)
		})
}

// stageSource has restic write a source into staging: a command's stream
// with restic dump, each path with restic restore --include into its own
// staging directory (then renamed to the placement's "new").
func (e *resticEngine) stageSource(ctx context.Context, id string, s SourceMetadata, to string) ([]*placement, error) {
	if s.Kind == KindCommand {
		pl, err := newPlacement(e.p.Destination, id, filepath.Join(to, s.File))
		if err != nil {
			return nil, err
		}
		out, err := os.OpenFile(pl.staged(), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return []*placement{pl}, err
		}
		err = e.run(ctx, out, "dump", s.Snapshot, "/"+s.File)
		if err == nil {
			err = out.Sync()
		}
		return []*placement{pl}, errors.Join(err, out.Close())
	}
	base := s.BaseDir
	if to != "" {
		base = to
	}
	var pls []*placement
	for _, rel := range s.Paths {
		pl, err := newPlacement(e.p.Destination, id, filepath.Join(base, rel))
		if err != nil {
			return pls, err
		}
		pls = append(pls, pl)
		into := filepath.Join(pl.stageDir, "restic")
		if err := e.run(ctx, io.Discard, "restore", s.Snapshot, "--target", into, "--include", "/"+filepath.ToSlash(rel)); err != nil {
			return pls, err
		}
		if err := os.Rename(filepath.Join(into, rel), pl.staged()); err != nil {
			return pls, fmt.Errorf("snapshot %s holds nothing for %s: %w", s.Snapshot, pl.target, err)
		}
	}
	return pls, nil
}
