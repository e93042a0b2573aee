package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// workspaceCommand is spice workspace list|show|new|select|delete, as
// Terraform's: the selection is kept in .terraform/environment, which
// both read.
type workspaceCommand struct{ meta }

func (c *workspaceCommand) Synopsis() string {
	return "List, show, create, select or delete workspaces"
}
func (c *workspaceCommand) Help() string {
	return `Usage: spice [-chdir=DIR] workspace list|show|new NAME|select NAME|delete [-force] NAME

  Workspaces are independent states of one configuration: locally
  terraform.tfstate (default) and terraform.tfstate.d/NAME/terraform.tfstate,
  with backend "pg" one row per workspace. terraform.workspace is the
  selected one's name. TF_WORKSPACE overrides the selection.

Options:
  -force              delete a workspace whose state still holds objects
  -lock-timeout=D     wait this long for a held state lock (new, delete)
  -backend-config     as for plan`
}

func (c *workspaceCommand) Run(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(c.Stderr, c.Help())
		return 1
	}
	sub := args[0]
	fs := c.flagSet("workspace "+sub, false)
	fs.DurationVar(&c.lockTimeout, "lock-timeout", 0, "retry a held state lock this long")
	fs.BoolVar(&c.lock, "lock", true, "lock the state")
	force := fs.Bool("force", false, "")
	pos, err := command.ParseArgs(fs, args[1:])
	if err != nil {
		return 1
	}
	if sub == "show" {
		fmt.Fprintln(c.Stdout, c.workspace())
		return 0
	}
	if sub != "list" && len(pos) != 1 {
		return c.Errorf("workspace %s takes one workspace name", sub)
	}
	ctx := context.Background()
	block, diags := config.LoadBackend(c.dir)
	if diags.HasErrors() {
		c.diagnostics(nil, diags)
		return 1
	}
	b, err := c.openBackend(ctx, block)
	if err != nil {
		return c.Errorf("%s", err)
	}
	defer b.Close()
	names, err := b.Workspaces(ctx)
	if err != nil {
		return c.Errorf("%s", err)
	}
	current := c.workspace()
	switch sub {
	case "list":
		for _, n := range names {
			mark := "  "
			if n == current {
				mark = "* "
			}
			fmt.Fprintln(c.Stdout, mark+n)
		}
		return 0
	case "new":
		name := pos[0]
		if err := validWorkspaceName(name); err != nil {
			return c.Errorf("%s", err)
		}
		if slices.Contains(names, name) {
			return c.Errorf("workspace %q already exists", name)
		}
		if _, err := b.Store(ctx, name); err != nil {
			return c.Errorf("%s", err)
		}
		if err := c.selectWorkspace(name); err != nil {
			return c.Errorf("%s", err)
		}
		fmt.Fprintf(c.Stdout, "Created and switched to workspace %q!\n", name)
		return 0
	case "select":
		name := pos[0]
		if !slices.Contains(names, name) {
			return c.Errorf("workspace %q doesn't exist; create it with \"spice workspace new %s\"", name, name)
		}
		if err := c.selectWorkspace(name); err != nil {
			return c.Errorf("%s", err)
		}
		fmt.Fprintf(c.Stdout, "Switched to workspace %q.\n", name)
		return 0
	case "delete":
		return c.delete(ctx, b, names, pos[0], current, *force)
	}
	return c.Errorf("unknown workspace subcommand %q: use list, show, new, select or delete", sub)
}

// delete removes a workspace under its lock; one whose state still holds
// objects only with -force, as Terraform.
func (c *workspaceCommand) delete(ctx context.Context, b state.Backend, names []string, name, current string, force bool) int {
	switch {
	case !slices.Contains(names, name):
		return c.Errorf("workspace %q doesn't exist", name)
	case name == state.DefaultWorkspace:
		return c.Errorf("cannot delete the default workspace")
	case name == current:
		return c.Errorf("workspace %q is the selected one; select another workspace before deleting it", name)
	}
	store, err := b.Store(ctx, name)
	if err != nil {
		return c.Errorf("%s", err)
	}
	if c.lock {
		lock, err := state.AcquireStore(ctx, store, "OperationTypeWorkspaceDelete", c.Version, c.lockTimeout)
		if err != nil {
			return c.Errorf("Error acquiring the state lock\n\n%s", err)
		}
		defer func() { _ = lock.Release() }()
	}
	st, err := state.ReadFrom(ctx, store)
	if err != nil {
		return c.Errorf("%s", err)
	}
	if n := len(st.Addresses()); n > 0 && !force {
		return c.Errorf("workspace %q still manages %d object(s); destroy them first, or delete with -force to forget them", name, n)
	}
	if err := b.DeleteWorkspace(ctx, name); err != nil {
		return c.Errorf("%s", err)
	}
	fmt.Fprintf(c.Stdout, "Deleted workspace %q!\n", name)
	return 0
}

// initCommand is spice init: it prepares the backend (schema, table and
// default workspace of backend "pg") and, with -migrate-state, copies the
// local states into it with their lineage and serial.
type initCommand struct{ meta }

func (c *initCommand) Synopsis() string {
	return "Prepare the backend; -migrate-state copies local state into it"
}
func (c *initCommand) Help() string {
	return `Usage: spice [-chdir=DIR] init [-backend-config=KEY=VALUE|FILE]... [-migrate-state [-force-copy]]

  spice needs no init to run (the provider is built in). With backend "pg"
  it creates the schema, table and index (as Terraform's pg backend does)
  and the default workspace's row. -migrate-state copies every local
  workspace (terraform.tfstate, terraform.tfstate.d/NAME) into the pg
  backend, keeping lineage and serial; a pg workspace that already holds
  objects is only replaced with -force-copy. The local files stay as
  they were.`
}

func (c *initCommand) Run(args []string) int {
	fs := c.flagSet("init", false)
	migrate := fs.Bool("migrate-state", false, "")
	forceCopy := fs.Bool("force-copy", false, "")
	fs.DurationVar(&c.lockTimeout, "lock-timeout", 0, "retry a held state lock this long")
	if _, err := command.ParseArgs(fs, args); err != nil {
		return 1
	}
	ctx := context.Background()
	block, diags := config.LoadBackend(c.dir)
	if diags.HasErrors() {
		c.diagnostics(nil, diags)
		return 1
	}
	if block == nil {
		if *migrate {
			return c.Errorf("-migrate-state: this configuration has no backend \"pg\" block to migrate to")
		}
		fmt.Fprintln(c.Stdout, "spice has been successfully initialized! (local backend)")
		return 0
	}
	b, err := c.openBackend(ctx, block)
	if err != nil {
		return c.Errorf("%s", err)
	}
	defer b.Close()
	if _, err := b.Store(ctx, state.DefaultWorkspace); err != nil {
		return c.Errorf("%s", err)
	}
	if *migrate {
		if code := c.migrate(ctx, b, *forceCopy); code != 0 {
			return code
		}
	}
	fmt.Fprintln(c.Stdout, "spice has been successfully initialized! (backend \"pg\")")
	return 0
}

func (c *initCommand) migrate(ctx context.Context, to state.Backend, forceCopy bool) int {
	from := state.LocalBackend{StatePath: c.statePath}
	names, err := from.Workspaces(ctx)
	if err != nil {
		return c.Errorf("%s", err)
	}
	for _, name := range names {
		local := state.LocalStore(state.LocalWorkspacePath(c.statePath, name))
		raw, err := local.Get(ctx)
		if err != nil {
			return c.Errorf("%s", err)
		}
		if raw == nil {
			continue
		}
		st, err := state.Decode(local.String(), raw)
		if err != nil {
			return c.Errorf("%s", err)
		}
		store, err := to.Store(ctx, name)
		if err != nil {
			return c.Errorf("%s", err)
		}
		lock, err := state.AcquireStore(ctx, store, "OperationTypeMigrate", c.Version, c.lockTimeout)
		if err != nil {
			return c.Errorf("Error acquiring the state lock\n\n%s", err)
		}
		existing, err := state.ReadFrom(ctx, store)
		if err == nil && len(existing.Addresses()) > 0 && !forceCopy && existing.Lineage != st.Lineage {
			err = fmt.Errorf("workspace %q in the pg backend already holds %d object(s) of another lineage; -force-copy replaces them with %s", name, len(existing.Addresses()), local)
		}
		if err == nil {
			// An empty workspace (the row creation wrote) is replaced as is,
			// so the state keeps its lineage and serial.
			err = state.Push(ctx, store, st, forceCopy || len(existing.Addresses()) == 0)
		}
		_ = lock.Release()
		if err != nil {
			return c.Errorf("%s", err)
		}
		fmt.Fprintf(c.Stdout, "Copied %s (lineage %s, serial %d) to %s.\n", local, st.Lineage, st.Serial, store)
	}
	return 0
}
