package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"

	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/render"
)

// planCommand is spice plan (and spice plan -destroy).
type planCommand struct{ meta }

func (c *planCommand) Synopsis() string { return "Show changes required by the current configuration" }
func (c *planCommand) Help() string {
	return `Usage: spice [-chdir=DIR] plan [options]

  Refreshes the state, compares the configuration with the hosts and shows
  what apply would change.

Options:
  -destroy              plan to destroy every object in state
  -refresh-only         plan no change, only record in state what changed
                        outside spice (apply such a plan to accept the drift)
  -detailed-exitcode    exit 0: no changes, 1: error, 2: changes present
  -out=FILE             save the plan for "spice apply FILE"
  -json                 print the plan as Terraform's JSON plan
  -var 'NAME=VALUE'     set a variable (repeatable)
  -var-file=FILE        read variables from a file (repeatable)
  -target=ADDR          plan only ADDR (a resource, an instance or a module)
                        and what it depends on (repeatable; with -destroy,
                        ADDR and what depends on it)
  -replace=ADDR         replace the object at ADDR even if unchanged
                        (repeatable)
  -rollout=N            also show the batches "spice apply -rollout=N"
                        would apply the hosts in
  -refresh=false        plan against the stored state without reading hosts
  -parallelism=N        concurrent operations (default 10)
  -state=FILE           state file (default terraform.tfstate)
  -lock-timeout=D       wait this long for a held state lock
  -backend-config=KEY=VALUE|FILE
                        a backend "pg" setting (repeatable; over the block,
                        PG_CONN_STR and the other PG_* variables)
  -no-color             plain output

  The state is the selected workspace's ("spice workspace"), in the local
  backend or the configuration's backend "pg".`
}

func (c *planCommand) Run(args []string) int {
	fs := c.flagSet("plan", true)
	fs.IntVar(&c.rollout, "rollout", 0, "")
	destroy := fs.Bool("destroy", false, "")
	refreshOnly := fs.Bool("refresh-only", false, "")
	detailed := fs.Bool("detailed-exitcode", false, "")
	out := fs.String("out", "", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	if len(pos) > 0 {
		return c.Errorf("plan takes no arguments, got %q", pos)
	}
	mode, err := c.planMode(*destroy, *refreshOnly)
	if err != nil {
		return c.Errorf("%s", err)
	}
	if err := c.checkRollout(mode); err != nil {
		return c.Errorf("%s", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, ok := c.open(ctx, "OperationTypePlan")
	if !ok {
		return 1
	}
	defer s.close()
	if *asJSON {
		s.engine.Progress = nil
	}
	plan, diags := s.engine.Plan(ctx, mode)
	if diags.HasErrors() {
		c.diagnostics(s.module, diags)
		return 1
	}
	if *asJSON {
		if err := c.planJSON(s, plan); err != nil {
			return c.Errorf("%s", err)
		}
	} else {
		render.Plan(c.Stdout, plan, c.colors())
		if c.rollout > 0 && !c.printRollout(s, plan) {
			return 1
		}
	}
	// Warnings (failed checks) follow the plan and its summary, as
	// Terraform prints them.
	c.diagnostics(s.module, diags)
	if *out != "" {
		if err := writePlanFile(*out, s.module, plan, s.engine.Vars, c.refresh, c.targets, c.replace); err != nil {
			return c.Errorf("%s", err)
		}
		if !*asJSON {
			fmt.Fprintf(c.Stdout, "\nSaved the plan to: %s\n\nTo perform exactly these actions, run:\n  spice apply %q\n", *out, *out)
		}
	}
	if *detailed && plan.HasChanges() {
		return 2
	}
	return 0
}

// applyCommand is spice apply [PLANFILE] and, with destroy set, spice destroy.
type applyCommand struct {
	meta
	destroy bool
}

func (c *applyCommand) Synopsis() string {
	if c.destroy {
		return "Destroy every object spice manages in this configuration"
	}
	return "Create or update the managed objects"
}

func (c *applyCommand) Help() string {
	name := "apply [options] [PLANFILE]"
	if c.destroy {
		name = "destroy [options]"
	}
	return `Usage: spice [-chdir=DIR] ` + name + `

  Plans like "spice plan", asks for confirmation unless -auto-approve, then
  converges the hosts, saving state after every object. Given a plan file
  from "spice plan -out", applies exactly that plan, and refuses when the
  state or the configuration changed since.

Options:
  -auto-approve         do not ask for confirmation
  -refresh-only         change no host, only record in state what changed
                        outside spice
  -rollout=N            apply N hosts at a time: on each host, maintenance
                        mode on, its changes, its health checks, maintenance
                        mode off, then the next hosts; the first host that
                        fails stops the rollout and the rest stay untouched
  -var, -var-file, -target, -replace, -refresh, -parallelism, -state,
  -lock-timeout, -backend-config, -no-color
                        as for plan`
}

func (c *applyCommand) Run(args []string) int {
	fs := c.flagSet("apply", true)
	fs.IntVar(&c.rollout, "rollout", 0, "")
	autoApprove := fs.Bool("auto-approve", false, "")
	refreshOnly := fs.Bool("refresh-only", false, "")
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	if len(pos) > 1 || (c.destroy && len(pos) > 0) {
		return c.Errorf("unexpected arguments %q", pos)
	}
	mode, err := c.planMode(c.destroy, *refreshOnly)
	if err != nil {
		return c.Errorf("%s", err)
	}
	if err := c.checkRollout(mode); err != nil {
		return c.Errorf("%s", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var saved *planFile
	if len(pos) == 1 {
		pf, err := readPlanFile(pos[0])
		if err != nil {
			return c.Errorf("%s", err)
		}
		if err := pf.use(&c.meta); err != nil {
			return c.Errorf("%s", err)
		}
		saved = pf
		*autoApprove = true
	}
	operation := "OperationTypeApply"
	if mode == core.DestroyMode {
		operation = "OperationTypeDestroy"
	}
	s, ok := c.open(ctx, operation)
	if !ok {
		return 1
	}
	defer s.close()
	if saved != nil {
		if err := saved.check(s.module, s.state); err != nil {
			return c.Errorf("%s", err)
		}
		mode = saved.mode()
	}
	plan, diags := s.engine.Plan(ctx, mode)
	partial := diags.HasErrors() && plan != nil && plan.Partial && saved == nil
	if diags.HasErrors() && !partial {
		c.diagnostics(s.module, diags)
		return 1
	}
	if saved != nil {
		if err := saved.matches(plan); err != nil {
			c.diagnostics(s.module, diags)
			return c.Errorf("%s", err)
		}
	} else {
		render.Plan(c.Stdout, plan, c.colors())
	}
	if c.rollout > 0 {
		if saved != nil && saved.mode() != core.NormalMode {
			return c.Errorf("-rollout applies configuration changes; this saved plan is a destroy or refresh-only plan")
		}
		if partial {
			c.diagnostics(s.module, diags)
			return c.Errorf("-rollout needs every host: cannot reach %s", strings.Join(plan.Unreachable, ", "))
		}
		if !c.printRollout(s, plan) {
			return 1
		}
	}
	// The plan's warnings follow it, as Terraform's: before the question
	// when there is one, else with the apply's own diagnostics. The hosts
	// a partial plan cannot reach are told before anything is applied.
	confirm := plan.HasChanges() && !*autoApprove
	if partial || confirm {
		c.diagnostics(s.module, diags)
		diags = nil
	}
	if partial {
		fmt.Fprintf(c.Stderr, "\nWarning: cannot reach %s; converging the other hosts.\n", strings.Join(plan.Unreachable, ", "))
	}
	if confirm {
		question := "Do you want to perform these actions?\n  spice will perform the actions described above."
		switch mode {
		case core.DestroyMode:
			question = "Do you really want to destroy all resources?\n  spice will destroy all your managed objects, as shown above."
		case core.RefreshOnlyMode:
			question = "Would you like to update the spice state to reflect these detected changes?\n  spice will write these changes to the state without modifying any real infrastructure.\n  There is no undo."
		}
		if !c.confirm(question) {
			return c.Errorf("Apply cancelled.")
		}
	}
	if plan.HasChanges() {
		fmt.Fprintln(c.Stdout)
	}
	if c.rollout > 0 {
		diags = append(diags, s.engine.ApplyRollout(ctx, plan, c.rollout, s.save)...)
	} else {
		diags = append(diags, s.engine.Apply(ctx, plan, s.save)...)
	}
	c.diagnostics(s.module, diags)
	stateSaved := c.saveFinal(s)
	if diags.HasErrors() || !stateSaved {
		return 1
	}
	_, add, change, del := render.Counts(plan)
	c.summary(s, add, change, del)
	if partial {
		return c.Errorf("not applied to %s: unreachable (see above)", strings.Join(plan.Unreachable, ", "))
	}
	return 0
}

// planMode is the plan mode the flags ask for; -refresh-only goes with
// neither -destroy nor -refresh=false, as in Terraform.
func (m *meta) planMode(destroy, refreshOnly bool) (core.Mode, error) {
	switch {
	case refreshOnly && destroy:
		return 0, errors.New("incompatible plan mode options: -destroy (or spice destroy) and -refresh-only are mutually exclusive")
	case refreshOnly && !m.refresh:
		return 0, errors.New("incompatible refresh options: -refresh-only with -refresh=false would leave spice nothing to do")
	case refreshOnly:
		return core.RefreshOnlyMode, nil
	case destroy:
		return core.DestroyMode, nil
	}
	return core.NormalMode, nil
}

func (c *applyCommand) summary(s *session, add, change, del int) {
	col := c.colors()
	if c.destroy {
		fmt.Fprintf(c.Stdout, "\n%sDestroy complete! Resources: %d destroyed.%s\n", col.Bold+col.Green, del, col.Reset)
		return
	}
	fmt.Fprintf(c.Stdout, "\n%sApply complete! Resources: %d added, %d changed, %d destroyed.%s\n", col.Bold+col.Green, add, change, del, col.Reset)
	render.Outputs(c.Stdout, s.state.Outputs)
}

// checkRollout refuses -rollout where it means nothing: below 1, or with
// a plan that changes no configuration (-destroy, -refresh-only).
func (m *meta) checkRollout(mode core.Mode) error {
	switch {
	case m.rollout < 0:
		return fmt.Errorf("-rollout=%d: the number of hosts at a time must be at least 1", m.rollout)
	case m.rollout > 0 && mode != core.NormalMode:
		return errors.New("-rollout applies configuration changes host by host; it does not combine with -destroy or -refresh-only")
	}
	return nil
}

// printRollout prints the batches -rollout applies the plan's hosts in;
// false when they cannot be ordered (the error is printed).
func (m *meta) printRollout(s *session, plan *core.Plan) bool {
	batches, err := s.engine.RolloutBatches(plan, m.rollout)
	if err != nil {
		m.Errorf("cannot roll out: %s", err)
		return false
	}
	if len(batches) == 0 {
		return true
	}
	unit := "hosts"
	if m.rollout == 1 {
		unit = "host"
	}
	fmt.Fprintf(m.Stdout, "\nRollout, %d %s at a time:\n", m.rollout, unit)
	for i, b := range batches {
		names := make([]string, len(b))
		for j, h := range b {
			names[j] = h.String()
		}
		fmt.Fprintf(m.Stdout, "  %d. %s\n", i+1, strings.Join(names, ", "))
	}
	return true
}
