package agent

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"

	"github.com/spice-harvester/terraform-provider-spice/recovery"
)

// drillCommand is `spice drill SCENARIO`: a timed restore drill of an
// objective spice_recovery_objective installed on this host.
type drillCommand struct {
	command.Streams
}

func (c *drillCommand) Synopsis() string { return "Time a restore drill of a recovery objective" }
func (c *drillCommand) Help() string {
	return fmt.Sprintf(`Usage: spice drill [-objective FILE] [-scratch DIR] [-journal-dir DIR] SCENARIO

  Runs on the host that holds the backups. Restores the newest complete
  backup of each of the objective's backup policies into a scratch
  directory below -scratch (default %s; checksums are verified first),
  runs the objective's verify_command there (SPICE_DRILL_DIR names it),
  removes the scratch directory and records the result in
  %s/SCENARIO.json (or -journal-dir), where spice_recovery_objective reads
  achievable_rto. Exits 1 when the drill fails; the failure is recorded too.

  The objective is %s/SCENARIO.json, as spice_recovery_objective
  installed it, or -objective FILE.`, os.TempDir(), recovery.DrillDir, recovery.ObjectiveDir)
}

func (c *drillCommand) Run(args []string) int {
	fs := flag.NewFlagSet("drill", flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	fs.Usage = func() { fmt.Fprintln(c.Stderr, c.Help()) }
	file := fs.String("objective", "", "objective file")
	scratch := fs.String("scratch", "", "directory for the scratch space")
	journal := fs.String("journal-dir", recovery.DrillDir, "directory of the drill journals")
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	if len(pos) != 1 {
		return c.Errorf("spice drill takes one scenario, got %q\n\n%s", pos, c.Help())
	}
	if err := recovery.CheckScenario(pos[0]); err != nil {
		return c.Errorf("scenario %s", err)
	}
	if *file == "" {
		*file = recovery.ObjectiveFile(pos[0])
	}
	b, err := os.ReadFile(*file)
	if err != nil {
		return c.Errorf("read objective: %s (is spice_recovery_objective %q applied to this host?)", err, pos[0])
	}
	o, err := recovery.ParseInstalled(b)
	if err != nil {
		return c.Errorf("%s: %s", *file, err)
	}
	if o.Scenario != pos[0] {
		return c.Errorf("%s declares scenario %q, not %q", *file, o.Scenario, pos[0])
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	j, err := recovery.Drill(ctx, o, recovery.DrillOptions{
		ScratchBase: *scratch, JournalDir: *journal, Version: c.Version,
		Progress: func(line string) { fmt.Fprintln(c.Stdout, line) },
	})
	if err != nil {
		return c.Errorf("drill %s failed after %s: %s", o.Scenario, seconds(j.DurationSeconds), err)
	}
	policies := "policies"
	if len(j.Policies) == 1 {
		policies = "policy"
	}
	fmt.Fprintf(c.Stdout, "Drill %s passed: %d %s restored and verified in %s.\n", o.Scenario, len(j.Policies), policies, seconds(j.DurationSeconds))
	return 0
}
