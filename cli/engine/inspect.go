package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/render"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// validateCommand checks the configuration without touching any host.
type validateCommand struct{ meta }

func (c *validateCommand) Synopsis() string { return "Check whether the configuration is valid" }
func (c *validateCommand) Help() string {
	return "Usage: spice [-chdir=DIR] validate [-json] [-no-color]\n\n  Checks syntax, references, types and the provider's validation rules.\n  Reads no state and touches no host. -json prints the result as\n  terraform validate -json does (format_version 1.0)."
}

func (c *validateCommand) Run(args []string) int {
	fs := c.flagSet("validate", false)
	asJSON := fs.Bool("json", false, "")
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	if len(pos) > 0 {
		return c.Errorf("validate takes no arguments, got %q", pos)
	}
	mod, diags := config.Load(c.dir)
	if !diags.HasErrors() {
		schemas, err := core.LoadSchemas(context.Background(), c.factory()())
		if err != nil {
			return c.Errorf("%s", err)
		}
		vars := map[string]cty.Value{}
		for name, v := range mod.Variables {
			vars[name] = unknownOf(v)
		}
		e := &core.Engine{Module: mod, Vars: vars, State: state.New(), Factory: c.factory(), Schemas: schemas}
		diags = append(diags, e.Validate(context.Background())...)
	}
	if *asJSON {
		return c.validateJSON(mod, diags)
	}
	c.diagnostics(mod, diags)
	if diags.HasErrors() {
		return 1
	}
	fmt.Fprintln(c.Stdout, "Success! The configuration is valid.")
	return 0
}

// validateJSON prints the result as terraform validate -json does.
func (c *validateCommand) validateJSON(mod *config.Module, diags hcl.Diagnostics) int {
	files := map[string]*hcl.File{}
	if mod != nil {
		files = mod.Parser.Files()
	}
	out := struct {
		FormatVersion string                  `json:"format_version"`
		Valid         bool                    `json:"valid"`
		ErrorCount    int                     `json:"error_count"`
		WarningCount  int                     `json:"warning_count"`
		Diagnostics   []render.DiagnosticJSON `json:"diagnostics"`
	}{FormatVersion: "1.0", Valid: true, Diagnostics: []render.DiagnosticJSON{}}
	for _, d := range core.RedactDiagnostics(diags, files) {
		out.Diagnostics = append(out.Diagnostics, render.NewDiagnosticJSON(d, files))
		if d.Severity == hcl.DiagError {
			out.ErrorCount++
			out.Valid = false
		} else {
			out.WarningCount++
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return c.Errorf("%s", err)
	}
	fmt.Fprintln(c.Stdout, string(b))
	if !out.Valid {
		return 1
	}
	return 0
}

// showCommand prints the state, or a saved plan.
type showCommand struct{ meta }

func (c *showCommand) Synopsis() string { return "Show the state or a saved plan" }
func (c *showCommand) Help() string {
	return "Usage: spice [-chdir=DIR] show [-json] [-state=FILE] [PLANFILE]\n\n  Shows the objects in state with sensitive values redacted, or, given a\n  plan file, the plan it holds (re-planned against the same state)."
}

func (c *showCommand) Run(args []string) int {
	fs := c.flagSet("show", false)
	asJSON := fs.Bool("json", false, "")
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	if len(pos) == 1 {
		pf, err := readPlanFile(pos[0])
		if err != nil {
			return c.Errorf("%s", err)
		}
		if err := pf.use(&c.meta); err != nil {
			return c.Errorf("%s", err)
		}
		c.parallelism = 10
		s, ok := c.open(context.Background(), "")
		if !ok {
			return 1
		}
		defer s.close()
		if err := pf.check(s.module, s.state); err != nil {
			return c.Errorf("%s", err)
		}
		s.engine.Progress = nil
		plan, diags := s.engine.Plan(context.Background(), pf.mode())
		c.diagnostics(s.module, diags)
		if diags.HasErrors() {
			return 1
		}
		if err := pf.matches(plan); err != nil {
			return c.Errorf("%s", err)
		}
		if *asJSON {
			if err := c.planJSON(s, plan); err != nil {
				return c.Errorf("%s", err)
			}
			return 0
		}
		render.Plan(c.Stdout, plan, c.colors())
		return 0
	}
	st, ok := c.readState()
	if !ok {
		return 1
	}
	schemas, err := core.LoadSchemas(context.Background(), c.factory()())
	if err != nil {
		return c.Errorf("%s", err)
	}
	if *asJSON {
		return c.printJSON(render.StateJSON(st, schemas))
	}
	render.State(c.Stdout, st, schemas, "")
	return 0
}

func (c *meta) printJSON(v any) int {
	enc := json.NewEncoder(c.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return c.Errorf("%s", err)
	}
	return 0
}

// outputCommand prints output values from state.
type outputCommand struct{ meta }

func (c *outputCommand) Synopsis() string { return "Show output values from state" }
func (c *outputCommand) Help() string {
	return `Usage: spice [-chdir=DIR] output [-json | -raw] [-state=FILE] [NAME]

  Sensitive outputs print as <sensitive> in the default form. As in
  Terraform, -json prints every value, sensitive ones included: with no
  NAME, an object of {"sensitive", "type", "value"} by output name. -raw
  prints one string, number or bool output as it is, with no quotes and
  no newline, for scripts.`
}

func (c *outputCommand) Run(args []string) int {
	fs := c.flagSet("output", false)
	asJSON := fs.Bool("json", false, "")
	raw := fs.Bool("raw", false, "")
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	switch {
	case len(pos) > 1:
		return c.Errorf("Unexpected argument\n\nThe output command expects exactly one argument with the name of an output variable or no arguments to show all outputs.")
	case *raw && *asJSON:
		return c.Errorf("Invalid output format\n\nThe -raw and -json options are mutually-exclusive.")
	case *raw && len(pos) == 0:
		return c.Errorf("Output name required\n\nYou must give the name of a single output value when using the -raw option.")
	}
	st, ok := c.readState()
	if !ok {
		return 1
	}
	if *asJSON && len(pos) == 0 {
		return c.allOutputsJSON(st.Outputs)
	}
	if len(st.Outputs) == 0 && !*asJSON {
		fmt.Fprintf(c.Stderr, "\nWarning: No outputs found\n\nThe state file either has no outputs defined, or all the defined outputs are empty.\n")
		return 0
	}
	if len(pos) == 0 {
		names := make([]string, 0, len(st.Outputs))
		for n := range st.Outputs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			text, err := outputText(st.Outputs[n])
			if err != nil {
				return c.Errorf("output %s: %s", n, err)
			}
			fmt.Fprintf(c.Stdout, "%s = %s\n", n, text)
		}
		return 0
	}
	name := pos[0]
	o, ok := st.Outputs[name]
	if !ok {
		return c.Errorf("Output %q not found\n\nThe output variable requested could not be found in the state file. If you recently added this to your configuration, be sure to run `spice apply`, since the state won't be updated with new output variables until that command is run.", name)
	}
	v, err := outputValue(o)
	if err != nil {
		return c.Errorf("output %s: %s", name, err)
	}
	switch {
	case *raw:
		return c.rawOutput(name, v)
	case *asJSON:
		b, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			return c.Errorf("output %s: %s", name, err)
		}
		fmt.Fprintln(c.Stdout, string(b))
	default:
		text, err := outputText(o)
		if err != nil {
			return c.Errorf("output %s: %s", name, err)
		}
		fmt.Fprintln(c.Stdout, text)
	}
	return 0
}

// outputText is an output as terraform output prints it, except that a
// sensitive one stays <sensitive> even when named: -raw and -json show it.
func outputText(o state.Output) (string, error) {
	if o.Sensitive {
		return "<sensitive>", nil
	}
	v, err := outputValue(o)
	if err != nil {
		return "", err
	}
	return render.ConsoleValue(v), nil
}

// outputValue decodes a stored output with its stored type.
func outputValue(o state.Output) (cty.Value, error) {
	ty, err := ctyjson.UnmarshalType(o.Type)
	if err != nil {
		return cty.NilVal, fmt.Errorf("stored type: %w", err)
	}
	v, err := ctyjson.Unmarshal(o.Value, ty)
	if err != nil {
		return cty.NilVal, fmt.Errorf("stored value: %w", err)
	}
	return v, nil
}

// rawOutput prints a primitive value as a string with no newline, and
// refuses anything else as terraform output -raw does.
func (c *outputCommand) rawOutput(name string, v cty.Value) int {
	s, err := convert.Convert(v, cty.String)
	switch {
	case err != nil:
		return c.Errorf("Unsupported value for raw output\n\nThe -raw option only supports strings, numbers, and boolean values, but output value %q is %s.\n\nUse the -json option for machine-readable representations of output values that have complex types.", name, v.Type().FriendlyName())
	case s.IsNull():
		return c.Errorf("Unsupported value for raw output\n\nThe value for output value %q is null, so -raw mode cannot print it.", name)
	case !s.IsKnown():
		return c.Errorf("Unsupported value for raw output\n\nThe value for output value %q won't be known until after a successful spice apply, so -raw mode cannot print it.", name)
	}
	fmt.Fprint(c.Stdout, s.AsString())
	return 0
}

// allOutputsJSON prints every output as terraform output -json does:
// values in clear, sensitive ones too (the flag is what marks them for
// the reader), re-encoded from their types as Terraform encodes them.
func (c *outputCommand) allOutputsJSON(outputs map[string]state.Output) int {
	type jsonOut struct {
		Sensitive bool            `json:"sensitive"`
		Type      json.RawMessage `json:"type"`
		Value     json.RawMessage `json:"value"`
	}
	out := map[string]jsonOut{}
	for n, o := range outputs {
		v, err := outputValue(o)
		if err != nil {
			return c.Errorf("output %s: %s", n, err)
		}
		value, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			return c.Errorf("output %s: %s", n, err)
		}
		ty, err := ctyjson.MarshalType(v.Type())
		if err != nil {
			return c.Errorf("output %s: %s", n, err)
		}
		out[n] = jsonOut{Sensitive: o.Sensitive, Type: ty, Value: value}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return c.Errorf("%s", err)
	}
	fmt.Fprintln(c.Stdout, string(b))
	return 0
}

// readState reads the selected workspace's state without locking it.
func (m *meta) readState() (*state.File, bool) {
	a, ok := m.accessDir(context.Background(), "")
	if !ok {
		return nil, false
	}
	defer a.close()
	st, err := state.ReadFrom(context.Background(), a.store)
	if err != nil {
		m.Errorf("%s", err)
		return nil, false
	}
	return st, true
}

// stateCommand is spice state list|show|rm|mv|pull|push.
type stateCommand struct{ meta }

func (c *stateCommand) Synopsis() string {
	return "Inspect or change the state: list, show, rm, mv, pull, push"
}
func (c *stateCommand) Help() string {
	return `Usage: spice [-chdir=DIR] state SUBCOMMAND [options] [args]

  list                 list the objects in state
  show ADDR            show one object
  rm ADDR...           forget objects without touching the hosts
  mv SRC DST           rename a resource or move one instance (same type)
  pull                 print the state as stored (any backend)
  push [-force] FILE   replace the state with FILE ("-" for stdin); refused
                       for another lineage or an older serial unless -force

  The state is the selected workspace's, in the configuration's backend
  (local, or backend "pg"). rm, mv and push lock it and wait -lock-timeout
  for a held lock; -backend-config and -state work as for plan.`
}

func (c *stateCommand) Run(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(c.Stderr, c.Help())
		return 1
	}
	sub := args[0]
	fs := c.flagSet("state "+sub, false)
	force := false
	switch sub {
	case "rm", "mv", "push":
		fs.BoolVar(&c.lock, "lock", true, "lock the state")
		fs.DurationVar(&c.lockTimeout, "lock-timeout", 0, "retry a held state lock this long")
		if sub == "push" {
			fs.BoolVar(&force, "force", false, "push another lineage or an older serial")
		}
	}
	pos, err := command.ParseArgs(fs, args[1:])
	if err != nil {
		return 1
	}
	switch sub {
	case "list", "show":
		st, ok := c.readState()
		if !ok {
			return 1
		}
		if sub == "list" {
			for _, a := range st.Addresses() {
				fmt.Fprintln(c.Stdout, a)
			}
			return 0
		}
		if len(pos) != 1 {
			return c.Errorf("state show takes one address")
		}
		schemas, err := core.LoadSchemas(context.Background(), c.factory()())
		if err != nil {
			return c.Errorf("%s", err)
		}
		if !render.State(c.Stdout, st, schemas, pos[0]) {
			return c.Errorf("no object %s in state", pos[0])
		}
		return 0
	case "rm":
		if len(pos) == 0 {
			return c.Errorf("state rm takes one or more addresses")
		}
		return c.change("OperationTypeStateRm", func(st *state.File) error {
			for _, addr := range pos {
				if !st.RemoveAddress(addr) {
					return fmt.Errorf("no object %s in state", addr)
				}
				fmt.Fprintf(c.Stdout, "Removed %s\n", addr)
			}
			return nil
		}, fmt.Sprintf("Successfully removed %d resource instance(s).", len(pos)))
	case "mv":
		if len(pos) != 2 {
			return c.Errorf("state mv takes SOURCE and DESTINATION addresses")
		}
		return c.change("OperationTypeStateMv", func(st *state.File) error {
			return st.Move(pos[0], pos[1])
		}, fmt.Sprintf("Move %q to %q\nSuccessfully moved 1 object(s).", pos[0], pos[1]))
	case "pull":
		return c.pull()
	case "push":
		if len(pos) != 1 {
			return c.Errorf("state push takes one file (\"-\" for stdin)")
		}
		return c.push(pos[0], force)
	}
	return c.Errorf("unknown state subcommand %q: use list, show, rm, mv, pull or push", sub)
}

// change edits the state under its lock. The lock comes first and the
// state is read under it: read before, an apply finishing in between
// would be lost.
func (c *stateCommand) change(operation string, edit func(*state.File) error, done string) int {
	ctx := context.Background()
	a, ok := c.accessDir(ctx, operation)
	if !ok {
		return 1
	}
	defer a.close()
	st, err := state.ReadFrom(ctx, a.store)
	if err != nil {
		return c.Errorf("%s", err)
	}
	if err := edit(st); err != nil {
		return c.Errorf("%s", err)
	}
	if err := state.WriteTo(ctx, a.store, st); err != nil {
		return c.Errorf("%s", err)
	}
	fmt.Fprintln(c.Stdout, done)
	return 0
}

// pull prints the stored state as it is, as terraform state pull does.
func (c *stateCommand) pull() int {
	ctx := context.Background()
	a, ok := c.accessDir(ctx, "")
	if !ok {
		return 1
	}
	defer a.close()
	b, err := a.store.Get(ctx)
	if err != nil {
		return c.Errorf("%s", err)
	}
	_, _ = c.Stdout.Write(b)
	return 0
}

// push replaces the stored state with a file, keeping the file's lineage:
// the way to move state between backends by hand, or to save an
// errored.tfstate. As Terraform, it refuses another lineage or an older
// serial unless -force.
func (c *stateCommand) push(file string, force bool) int {
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(c.Stdin)
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return c.Errorf("read %s: %s", file, err)
	}
	pushed, err := state.Decode(file, b)
	if err != nil {
		return c.Errorf("%s", err)
	}
	ctx := context.Background()
	a, ok := c.accessDir(ctx, "OperationTypeStatePush")
	if !ok {
		return 1
	}
	defer a.close()
	if err := state.Push(ctx, a.store, pushed, force); err != nil {
		return c.Errorf("%s", err)
	}
	return 0
}

// importCommand is spice import ADDR ID.
type importCommand struct{ meta }

func (c *importCommand) Synopsis() string { return "Adopt an existing object into state" }
func (c *importCommand) Help() string {
	return "Usage: spice [-chdir=DIR] import [options] ADDR ID\n\n  ADDR must be declared in the configuration; ID is what the resource's\n  import documentation names (a path for files and directories)."
}

func (c *importCommand) Run(args []string) int {
	fs := c.flagSet("import", true)
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	if len(pos) != 2 {
		return c.Errorf("import takes ADDR and ID, got %q", pos)
	}
	s, ok := c.open(context.Background(), "OperationTypeImport")
	if !ok {
		return 1
	}
	defer s.close()
	diags := s.engine.Import(context.Background(), pos[0], pos[1], s.save)
	c.diagnostics(s.module, diags)
	if !c.saveFinal(s) || diags.HasErrors() {
		return 1
	}
	fmt.Fprintln(c.Stdout, "\nImport successful!\n\nThe resources that were imported are shown above. These resources are now in\nyour spice state and will henceforth be managed by spice.")
	return 0
}

// graphCommand prints the dependency graph in DOT.
type graphCommand struct{ meta }

func (c *graphCommand) Synopsis() string { return "Print the dependency graph (DOT)" }
func (c *graphCommand) Help() string {
	return "Usage: spice [-chdir=DIR] graph\n\n  Prints the dependency graph in Graphviz DOT form, e.g. spice graph | dot -Tsvg > graph.svg"
}

func (c *graphCommand) Run(args []string) int {
	fs := c.flagSet("graph", true)
	if _, err := command.ParseArgs(fs, args); err != nil {
		return 1
	}
	s, ok := c.open(context.Background(), "")
	if !ok {
		return 1
	}
	defer s.close()
	dot, diags := s.engine.Graph()
	c.diagnostics(s.module, diags)
	if diags.HasErrors() {
		return 1
	}
	fmt.Fprint(c.Stdout, dot)
	return 0
}
