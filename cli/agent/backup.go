package agent

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"

	"github.com/spice-harvester/terraform-provider-spice/backup"
)

// backupCommand is one verb of `spice backup`: a thin front over package
// backup, run on the host that holds the backups.
type backupCommand struct {
	command.Streams
	verb string
}

var backupVerbs = map[string]struct{ synopsis, usage, help string }{
	"run": {
		"Make a backup now, then apply retention",
		"backup run -policy FILE|NAME [-timeout DURATION]",
		"Backs up every source of the policy into a new directory under its\n  destination, writes metadata.json last, prunes old backups and updates\n  the metrics file. Exits 1 if any source fails (the backup is marked FAILED).\n  Then pushes the backup to each offsite target over SFTP, reads every\n  archive back to verify it there, and applies retention there; a failed\n  push exits 1 and keeps the local backup.",
	},
	"list": {
		"List the backups of a policy",
		"backup list -policy FILE|NAME [-offsite TARGET] [-json]",
		"Lists every backup directory, oldest first, with its status (complete,\n  failed, incomplete). -json prints an array of objects with id, time,\n  status, bytes, duration_seconds, reason and path. -offsite lists the\n  copies on that offsite target instead (path is the far side's).",
	},
	"verify": {
		"Check a backup's checksums",
		"backup verify -policy FILE|NAME [-offsite TARGET] ID",
		"Checks that the backup is complete and that every archive has the size\n  and SHA-256 recorded in metadata.json. Exits 1 otherwise. -offsite checks\n  the copy on that offsite target, reading every archive back.",
	},
	"restore": {
		"Restore a backup (verified first)",
		"backup restore -policy FILE|NAME [-offsite TARGET] ID [-source NAME] [-to DIR]",
		"Verifies the backup, extracts into staging directories beside the targets\n  and renames into place; a corrupt backup changes nothing. Paths sources go\n  back below their base_dir, or below -to DIR. A command source is written to\n  DIR/NAME.out and needs -to (a TerminusDB bundle is then loaded with\n  `terminusdb unbundle DB FILE`). -offsite restores from the copy on that\n  offsite target (after losing this host's backups): it is downloaded into\n  the destination, verified, restored, and the download removed.",
	},
}

func (c *backupCommand) Synopsis() string { return backupVerbs[c.verb].synopsis }
func (c *backupCommand) Help() string {
	v := backupVerbs[c.verb]
	return fmt.Sprintf("Usage: spice %s\n\n  %s\n\n  -policy takes a policy file or a policy name under %s.", v.usage, v.help, backup.PolicyDir)
}

func (c *backupCommand) Run(args []string) int {
	fs := flag.NewFlagSet("backup "+c.verb, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	fs.Usage = func() { fmt.Fprintln(c.Stderr, c.Help()) }
	policy := fs.String("policy", "", "policy file or name")
	var timeout time.Duration
	var asJSON bool
	var opts backup.RestoreOptions
	var offsite string
	if c.verb != "run" {
		fs.StringVar(&offsite, "offsite", "", "use the copies on this offsite target of the policy")
	}
	switch c.verb {
	case "run":
		fs.DurationVar(&timeout, "timeout", 0, "give up after this long (0: no limit)")
	case "list":
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	case "restore":
		fs.StringVar(&opts.Source, "source", "", "restore only this source")
		fs.StringVar(&opts.To, "to", "", "restore below this directory")
	}
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	wantArgs := 0
	if c.verb == "verify" || c.verb == "restore" {
		wantArgs = 1
	}
	if len(pos) != wantArgs {
		return c.Errorf("wrong number of arguments %q\n\nUsage: spice %s", pos, backupVerbs[c.verb].usage)
	}
	if *policy == "" {
		return c.Errorf("-policy is required: a policy file or a policy name under %s", backup.PolicyDir)
	}
	p, err := backup.LoadPolicy(*policy)
	if err != nil {
		return c.Errorf("%s", err)
	}
	ctx := context.Background()
	where := ""
	if offsite != "" {
		where = " on offsite " + offsite
	}
	switch c.verb {
	case "run":
		return c.run(p, timeout)
	case "list":
		return c.list(p, offsite, asJSON)
	case "verify":
		verify := func() (*backup.Metadata, error) { return backup.EngineOf(p).Verify(ctx, pos[0]) }
		if offsite != "" {
			verify = func() (*backup.Metadata, error) { return backup.VerifyOffsite(ctx, p, offsite, pos[0]) }
		}
		md, err := verify()
		if err != nil {
			return c.Errorf("%s", err)
		}
		fmt.Fprintf(c.Stdout, "Backup %s of policy %s%s is intact: %d sources, %s verified.\n", md.ID, p.Name, where, len(md.Sources), humanBytes(md.Bytes))
		return 0
	default:
		restore := func() ([]backup.Restored, error) { return backup.EngineOf(p).Restore(ctx, pos[0], opts) }
		if offsite != "" {
			restore = func() ([]backup.Restored, error) { return backup.RestoreOffsite(ctx, p, offsite, pos[0], opts) }
		}
		restored, err := restore()
		if err != nil {
			return c.Errorf("%s", err)
		}
		for _, r := range restored {
			fmt.Fprintf(c.Stdout, "Restored source %s of backup %s%s: %s\n", r.Source, pos[0], where, strings.Join(r.Targets, ", "))
		}
		return 0
	}
}

func (c *backupCommand) run(p *backup.Policy, timeout time.Duration) int {
	// SIGTERM (systemd stopping the unit) and SIGINT end the source's
	// command and mark the backup failed instead of leaving it half-written.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	res, err := backup.EngineOf(p).Run(ctx, backup.Options{Version: c.Version})
	if res != nil {
		for _, r := range res.Removed {
			fmt.Fprintf(c.Stdout, "Removed incomplete backup %s left by an interrupted run (%s).\n", r.ID, humanBytes(r.Bytes))
		}
	}
	if res != nil && res.Metadata != nil {
		md := res.Metadata
		fmt.Fprintf(c.Stdout, "Backup %s of policy %s complete: %d sources, %s in %s.\n",
			md.ID, p.Name, len(md.Sources), humanBytes(md.Bytes), seconds(md.DurationSeconds))
		for _, id := range res.Pruned {
			fmt.Fprintf(c.Stdout, "Pruned backup %s (retention %d days).\n", id, p.Retention.Days)
		}
		for _, o := range res.Offsite {
			fmt.Fprintf(c.Stdout, "Pushed backup %s to offsite %s: %s in %s, verified.\n", o.ID, o.Offsite, humanBytes(o.Bytes), seconds(o.Seconds))
			for _, id := range o.Pruned {
				fmt.Fprintf(c.Stdout, "Pruned backup %s on offsite %s.\n", id, o.Offsite)
			}
		}
	}
	if err != nil {
		return c.Errorf("%s", err)
	}
	return 0
}

func (c *backupCommand) list(p *backup.Policy, offsite string, asJSON bool) int {
	list, where := func() ([]backup.Backup, error) { return backup.EngineOf(p).List(context.Background()) }, p.Destination
	if offsite != "" {
		list = func() ([]backup.Backup, error) { return backup.ListOffsite(context.Background(), p, offsite) }
		where = "offsite " + offsite
	}
	backups, err := list()
	if err != nil {
		return c.Errorf("%s", err)
	}
	if asJSON {
		if backups == nil {
			backups = []backup.Backup{}
		}
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(backups); err != nil {
			return c.Errorf("%s", err)
		}
		return 0
	}
	if len(backups) == 0 {
		fmt.Fprintf(c.Stdout, "No backups of policy %s in %s.\n", p.Name, where)
		return 0
	}
	tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tSIZE\tDURATION\tAGE")
	now := time.Now()
	for _, b := range backups {
		size, took := "-", "-"
		if b.Complete() {
			size, took = humanBytes(b.Bytes), seconds(b.DurationSeconds)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", b.ID, b.Status, size, took, age(now.Sub(b.Time)))
	}
	if err := tw.Flush(); err != nil {
		return c.Errorf("%s", err)
	}
	return 0
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func seconds(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond).String()
}

// age is a coarse "how long ago": days and hours, hours and minutes, or
// minutes.
func age(d time.Duration) string {
	switch {
	case d < 0:
		return "in the future"
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd%dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh%dm", d/time.Hour, d%time.Hour/time.Minute)
	default:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
}
