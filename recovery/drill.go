package recovery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/backup"
	"github.com/spice-harvester/terraform-provider-spice/host"
)

// DrillOptions vary a drill; zero values are the defaults.
type DrillOptions struct {
	// ScratchBase is where the scratch directory is made (default
	// os.TempDir()); it is removed when the drill ends.
	ScratchBase string
	// JournalDir receives SCENARIO.json (default DrillDir).
	JournalDir string
	Version    string
	// Progress receives one line per step.
	Progress func(string)
}

// stderrTail bounds what a failed verify command contributes to the
// journal: its last words, not its whole output.
const stderrTail = 2048

// Drill restores the newest complete backup of each of o's policies into a
// scratch directory (each restore verifies the checksums first), runs the
// verify command there, times the whole, and records the journal that
// achievable_rto reads. A failed drill is recorded too, and returned as an
// error; the scratch directory never outlives the drill.
func Drill(ctx context.Context, o *Installed, opts DrillOptions) (*Journal, error) {
	progress := opts.Progress
	if progress == nil {
		progress = func(string) {}
	}
	hostname, _ := os.Hostname()
	j := &Journal{Scenario: o.Scenario, Host: hostname, StartedAt: time.Now().UTC(), VerifyCommand: o.VerifyCommand, SpiceVersion: opts.Version}
	err := drill(ctx, o, opts, j, progress)
	j.FinishedAt = time.Now().UTC()
	j.DurationSeconds = j.FinishedAt.Sub(j.StartedAt).Seconds()
	j.Success = err == nil
	if err != nil {
		j.Error = err.Error()
	}
	if werr := writeJournal(opts.JournalDir, j); werr != nil {
		return j, errors.Join(err, werr)
	}
	return j, err
}

func drill(ctx context.Context, o *Installed, opts DrillOptions, j *Journal, progress func(string)) error {
	if len(o.BackupPolicies) == 0 {
		return fmt.Errorf("objective %s lists no backup policy: there is nothing to restore", o.Scenario)
	}
	scratch, err := os.MkdirTemp(opts.ScratchBase, "spice-drill-"+o.Scenario+"-")
	if err != nil {
		return fmt.Errorf("scratch directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(scratch) }()
	for _, name := range o.BackupPolicies {
		p, err := backup.LoadPolicy(name)
		if err != nil {
			return err
		}
		into := backup.RestoreOptions{To: filepath.Join(scratch, name)}
		// A restic repository that is not local is itself off site.
		if o.Offsite && !p.OffsiteRepository() {
			target, newest, err := newestOffsite(ctx, p)
			if err != nil {
				return err
			}
			progress(fmt.Sprintf("Restoring backup %s of policy %s from offsite %s (%d bytes)...", newest.ID, name, target, newest.Bytes))
			if _, err := backup.RestoreOffsite(ctx, p, target, newest.ID, into); err != nil {
				return fmt.Errorf("restore backup %s of policy %s from offsite %s: %w", newest.ID, name, target, err)
			}
			j.Policies = append(j.Policies, DrilledPolicy{Name: name, BackupID: newest.ID, BackupTime: newest.Time, Bytes: newest.Bytes})
			continue
		}
		engine := backup.EngineOf(p)
		newest, err := newestComplete(ctx, p, engine)
		if err != nil {
			return err
		}
		progress(fmt.Sprintf("Restoring backup %s of policy %s (%d bytes)...", newest.ID, name, newest.Bytes))
		if _, err := engine.Restore(ctx, newest.ID, into); err != nil {
			return fmt.Errorf("restore backup %s of policy %s: %w", newest.ID, name, err)
		}
		j.Policies = append(j.Policies, DrilledPolicy{Name: name, BackupID: newest.ID, BackupTime: newest.Time, Bytes: newest.Bytes})
	}
	if len(o.VerifyCommand) > 0 {
		progress(fmt.Sprintf("Running %s in %s...", o.VerifyCommand[0], scratch))
		if err := runVerify(ctx, o.VerifyCommand, scratch); err != nil {
			return err
		}
	}
	return nil
}

func newestComplete(ctx context.Context, p *backup.Policy, engine backup.Engine) (backup.Backup, error) {
	backups, err := engine.List(ctx)
	if err != nil {
		return backup.Backup{}, err
	}
	for i := len(backups) - 1; i >= 0; i-- { // oldest first
		if backups[i].Complete() {
			return backups[i], nil
		}
	}
	return backup.Backup{}, fmt.Errorf("policy %s has no complete backup in %s", p.Name, p.Destination)
}

// newestOffsite finds the newest complete copy on the policy's off-site
// targets: what a data-center failure leaves to restore from.
func newestOffsite(ctx context.Context, p *backup.Policy) (string, backup.Backup, error) {
	if len(p.Offsite) == 0 {
		return "", backup.Backup{}, fmt.Errorf("policy %s has no offsite target to restore from", p.Name)
	}
	var target string
	var newest backup.Backup
	var errs []error
	for _, o := range p.Offsite {
		copies, err := backup.ListOffsite(ctx, p, o.Name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, c := range copies {
			if c.Complete() && c.Time.After(newest.Time) {
				target, newest = o.Name, c
			}
		}
	}
	if target == "" {
		errs = append(errs, fmt.Errorf("policy %s has no complete copy on its offsite targets", p.Name))
		return "", backup.Backup{}, errors.Join(errs...)
	}
	return target, newest, nil
}

// runVerify runs the operator's check of the restored data, in the scratch
// directory, which it also finds in SPICE_DRILL_DIR.
func runVerify(ctx context.Context, argv []string, scratch string) error {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = scratch
	cmd.Env = append(os.Environ(), "SPICE_DRILL_DIR="+scratch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		tail := strings.TrimSpace(stderr.String())
		if len(tail) > stderrTail {
			tail = tail[len(tail)-stderrTail:]
		}
		if tail != "" {
			return fmt.Errorf("verify command %s: %w: %s", argv[0], err, tail)
		}
		return fmt.Errorf("verify command %s: %w", argv[0], err)
	}
	return nil
}

func writeJournal(dir string, j *Journal) error {
	if dir == "" {
		dir = DrillDir
	}
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	local, err := host.NewLocal("/")
	if err != nil {
		return err
	}
	p := filepath.Join(dir, j.Scenario+".json")
	if err := local.WriteFile(context.Background(), p, append(b, '\n'), host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}); err != nil {
		return fmt.Errorf("write drill journal %s: %w", p, err)
	}
	return nil
}
