package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// taintCommand is spice taint and spice untaint: they mark or unmark one
// instance in state as tainted, as Terraform's do, so that the next plan
// replaces it. Both are deprecated in favour of plan/apply -replace=ADDR,
// which shows the replacement in a plan before anything changes.
type taintCommand struct {
	meta
	taint bool // false: untaint
}

func (c *taintCommand) name() string {
	if c.taint {
		return "taint"
	}
	return "untaint"
}

func (c *taintCommand) Synopsis() string {
	if c.taint {
		return "Mark an instance for replacement (deprecated: use -replace)"
	}
	return "Remove the tainted mark from an instance (deprecated)"
}

func (c *taintCommand) Help() string {
	what := "Marks the instance as tainted: the next plan replaces it. Nothing on the\n  host changes until that plan is applied."
	if !c.taint {
		what = "Removes the tainted mark (set by spice taint, or by a create whose health\n  gate failed): the next plan keeps the instance instead of replacing it."
	}
	return fmt.Sprintf(`Usage: spice [-chdir=DIR] %s [-allow-missing] [-lock=false] [-lock-timeout=D] ADDR

  %s

  Deprecated, as in Terraform: use spice plan/apply -replace=ADDR instead,
  which shows the replacement in a plan before anything changes.

  -allow-missing   succeed with a warning when ADDR is not in state`, c.name(), what)
}

func (c *taintCommand) Run(args []string) int {
	fs := c.flagSet(c.name(), false)
	allowMissing := fs.Bool("allow-missing", false, "")
	fs.BoolVar(&c.lock, "lock", true, "lock the state")
	fs.DurationVar(&c.lockTimeout, "lock-timeout", 0, "retry a held state lock this long")
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	if len(pos) != 1 {
		return c.Errorf("%s takes one resource instance address, got %q", c.name(), pos)
	}
	addr := pos[0]
	if strings.HasPrefix(addr, "data.") || strings.Contains(addr, ".data.") {
		return c.Errorf("Resource instance %s cannot be %sed", addr, c.name())
	}
	ctx := context.Background()
	a, ok := c.accessDir(ctx, "OperationTypeApply")
	if !ok {
		return 1
	}
	defer a.close()
	st, err := state.ReadFrom(ctx, a.store)
	if err != nil {
		return c.Errorf("%s", err)
	}
	_, inst := st.Lookup(addr)
	switch {
	case inst == nil && *allowMissing:
		fmt.Fprintf(c.Stderr, "\nWarning: No such resource instance\n\nResource instance %s was not found, but this is not an error because -allow-missing was set.\n", addr)
		return 0
	case inst == nil:
		return c.Errorf("No such resource instance\n\nThere is no resource instance in the state with the address %s.", addr)
	case c.taint:
		inst.Status = state.StatusTainted
	case !inst.Tainted():
		return c.Errorf("No such resource instance\n\nResource instance %s is not currently tainted, and so it cannot be untainted.", addr)
	default:
		inst.Status = ""
	}
	if err := state.WriteTo(ctx, a.store, st); err != nil {
		return c.Errorf("%s", err)
	}
	if c.taint {
		fmt.Fprintf(c.Stdout, "Resource instance %s has been marked as tainted.\n", addr)
	} else {
		fmt.Fprintf(c.Stdout, "Resource instance %s has been successfully untainted.\n", addr)
	}
	return 0
}
