package engine

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/cli"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/term"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/render"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
	"github.com/spice-harvester/terraform-provider-spice/provider"
)

// meta carries what every command shares: streams, version, the working
// directory and the flags common to plan, apply and destroy.
type meta struct {
	command.Streams

	dir       string
	statePath string
	vars      varFlags
	// saved holds a saved plan's variable values: they replace -var,
	// variable files and the environment.
	saved       map[string]cty.Value
	plannedAt   time.Time // a saved plan's, zero otherwise
	parallelism int
	refresh     bool
	noColor     bool
	lockTimeout time.Duration
	input       bool
	lock        bool
	// backendConfig holds -backend-config KEY=VALUE and FILE arguments.
	backendConfig []string
	// unsetVariablesUnknown makes a required variable given no value
	// unknown instead of an error (console).
	unsetVariablesUnknown bool
	// targets and replace hold -target and -replace addresses.
	targets, replace []config.Address
	// rollout is -rollout=N of plan and apply: N hosts at a time; 0
	// applies all at once.
	rollout int
}

// varFlags collects -var and -var-file in command line order.
type varFlags struct{ args *[]config.VarArg }

type varFlag struct {
	args *[]config.VarArg
	file bool
}

func (f varFlag) String() string { return "" }
func (f varFlag) Set(v string) error {
	*f.args = append(*f.args, config.VarArg{File: f.file, Value: v})
	return nil
}

func (m *meta) flagSet(name string, planning bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&m.statePath, "state", state.DefaultPath, "state file")
	fs.BoolVar(&m.noColor, "no-color", false, "disable colors")
	fs.Func("backend-config", "backend \"pg\" setting: KEY=VALUE or a file", func(v string) error {
		m.backendConfig = append(m.backendConfig, v)
		return nil
	})
	if planning {
		args := &[]config.VarArg{}
		m.vars = varFlags{args: args}
		fs.Var(varFlag{args: args}, "var", "set a variable: -var 'NAME=VALUE'")
		fs.Var(varFlag{args: args, file: true}, "var-file", "read variables from a file")
		fs.IntVar(&m.parallelism, "parallelism", 10, "concurrent operations")
		fs.BoolVar(&m.refresh, "refresh", true, "refresh state before planning")
		fs.DurationVar(&m.lockTimeout, "lock-timeout", 0, "retry a held state lock this long")
		fs.BoolVar(&m.input, "input", true, "ask for input (spice never prompts for variables)")
		fs.BoolVar(&m.lock, "lock", true, "lock the state")
		fs.Func("target", "limit planning to ADDR and what it depends on (repeatable)", addressFlag(&m.targets))
		fs.Func("replace", "replace the object at ADDR (repeatable)", addressFlag(&m.replace))
	}
	return fs
}

// addressFlag collects the addresses of a repeatable flag.
func addressFlag(into *[]config.Address) func(string) error {
	return func(v string) error {
		a, err := config.ParseAddress(v)
		if err != nil {
			return err
		}
		*into = append(*into, a)
		return nil
	}
}

func (m *meta) colors() render.Colors {
	if m.noColor || os.Getenv("NO_COLOR") != "" {
		return render.NewColors(false)
	}
	f, ok := m.Stdout.(*os.File)
	return render.NewColors(ok && term.IsTerminal(int(f.Fd())))
}

func (m *meta) factory() core.Factory {
	return func() tfprotov6.ProviderServer { return provider.NewServer(m.Version) }
}

// diagnostics prints HCL diagnostics: severity and summary, where
// (FILE:LINE:COLUMN) with the source line and a marker under the subject,
// then the detail. Values of the expressions involved are never printed:
// they may be secrets.
func (m *meta) diagnostics(mod *config.Module, diags hcl.Diagnostics) {
	files := map[string]*hcl.File{}
	if mod != nil {
		files = mod.Parser.Files()
	}
	m.printDiagnostics(files, diags)
}

// printDiagnostics is diagnostics with the source lines taken from files.
func (m *meta) printDiagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) {
	col := m.colors()
	for _, d := range core.RedactDiagnostics(diags, files) {
		label, color := "Error", col.Red
		if d.Severity == hcl.DiagWarning {
			label, color = "Warning", col.Yellow
		}
		fmt.Fprintf(m.Stderr, "\n%s%s:%s %s\n", color+col.Bold, label, col.Reset, d.Summary)
		if d.Subject != nil && d.Subject.Filename != "" {
			r := d.Subject
			fmt.Fprintf(m.Stderr, "\n  on %s:%d:%d:\n", r.Filename, r.Start.Line, r.Start.Column)
			if f, ok := files[r.Filename]; ok {
				if line, ok := sourceLine(f.Bytes, r.Start.Line); ok {
					fmt.Fprintf(m.Stderr, "  %4d: %s\n", r.Start.Line, line)
					width := r.End.Column - r.Start.Column
					if r.End.Line != r.Start.Line || width < 1 {
						width = 1
					}
					fmt.Fprintf(m.Stderr, "        %s%s\n", strings.Repeat(" ", max(r.Start.Column-1, 0)), strings.Repeat("^", width))
				}
			}
		}
		if d.Detail != "" {
			fmt.Fprintf(m.Stderr, "\n%s\n", d.Detail)
		}
	}
}

func sourceLine(src []byte, n int) (string, bool) {
	lines := strings.Split(string(src), "\n")
	if n < 1 || n > len(lines) {
		return "", false
	}
	return strings.TrimRight(lines[n-1], "\r"), true
}

// session is a loaded module with its variables, state and engine.
type session struct {
	module *config.Module
	state  *state.File
	access *stateAccess
	engine *core.Engine
	// saveErr is the last save's error: nil once a later save landed.
	saveErr error
}

func (s *session) close() {
	if s.access != nil {
		s.access.close()
	}
}

// save writes the state after each object. It is not cancelled with the
// operation: what completed must be recorded even after Ctrl-C.
func (s *session) save(f *state.File) error {
	s.saveErr = state.WriteTo(context.Background(), s.access.store, f)
	return s.saveErr
}

// saveFinal makes sure the state an operation leaves is saved: once more
// if the last save failed (the backend may be back), else into
// errored.tfstate. It reports whether the state is saved.
func (m *meta) saveFinal(s *session) bool {
	if s.saveErr == nil {
		return true
	}
	if s.save(s.state) == nil {
		return true
	}
	m.saveErrored(s.state, s.saveErr)
	return false
}

// open loads the configuration, resolves variables, locks and reads state
// and prepares an engine. It prints diagnostics itself; ok=false means
// the command must exit 1.
func (m *meta) open(ctx context.Context, operation string) (*session, bool) {
	mod, diags := config.Load(m.dir)
	if diags.HasErrors() {
		m.diagnostics(mod, diags)
		return nil, false
	}
	var values map[string]cty.Value
	var vd hcl.Diagnostics
	if m.saved != nil {
		values, vd = mod.SavedVariableValues(m.saved)
	} else {
		var args []config.VarArg
		if m.vars.args != nil {
			args = *m.vars.args
		}
		if m.unsetVariablesUnknown {
			values, vd = mod.VariableValuesUnsetUnknown(args)
		} else {
			values, vd = mod.VariableValues(args)
		}
	}
	diags = append(diags, vd...)
	if diags.HasErrors() {
		m.diagnostics(mod, diags)
		return nil, false
	}
	s := &session{module: mod}
	access, err := m.access(ctx, mod.PGBackend, operation)
	if err != nil {
		m.diagnostics(mod, diags)
		m.Errorf("%s", err)
		return nil, false
	}
	s.access = access
	st, err := state.ReadFrom(ctx, access.store)
	if err != nil {
		s.close()
		m.Errorf("%s", err)
		return nil, false
	}
	s.state = st
	schemas, err := core.LoadSchemas(ctx, m.factory()())
	if err != nil {
		s.close()
		m.Errorf("%s", err)
		return nil, false
	}
	s.engine = &core.Engine{
		Module: mod, Vars: values, State: st, Factory: m.factory(), Schemas: schemas,
		Parallelism: m.parallelism, Refresh: m.refresh, PlanTime: m.plannedAt, Workspace: access.workspace,
		TargetAddrs: m.targets, ReplaceAddrs: m.replace,
		Progress: (&progressLines{w: m.Stdout}).line,
	}
	if js, ok := access.store.(state.Journaled); ok {
		s.engine.Journal = func(lineage string, serial uint64) (*state.Journal, error) {
			return state.OpenJournal(js.JournalPath(), lineage, serial)
		}
	}
	m.diagnostics(mod, diags) // warnings
	return s, true
}

// planJSON prints a plan as Terraform's JSON plan: the one code path of
// plan -json and show -json PLANFILE.
func (m *meta) planJSON(s *session, plan *core.Plan) error {
	return render.JSON(m.Stdout, render.PlanInput{Plan: plan, Module: s.module, State: s.state, Vars: s.engine.Vars,
		Schemas: s.engine.Schemas, Version: m.Version})
}

func (m *meta) confirm(question string) bool {
	fmt.Fprintf(m.Stdout, "\n%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question)
	buf := make([]byte, 0, 16)
	one := make([]byte, 1)
	for {
		n, err := m.Stdin.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				break
			}
			buf = append(buf, one[0])
		}
		if err != nil {
			break
		}
	}
	fmt.Fprintln(m.Stdout)
	return strings.TrimSpace(string(buf)) == "yes"
}

// Commands are the engine's subcommands: everything that reads the
// configuration and the state.
func Commands(streams command.Streams) map[string]cli.CommandFactory {
	m := meta{Streams: streams, dir: ".", parallelism: 10, refresh: true, lock: true}
	factory := func(c cli.Command) cli.CommandFactory { return func() (cli.Command, error) { return c, nil } }
	return map[string]cli.CommandFactory{
		"validate":  factory(&validateCommand{m}),
		"plan":      factory(&planCommand{m}),
		"apply":     factory(&applyCommand{meta: m}),
		"destroy":   factory(&applyCommand{meta: m, destroy: true}),
		"show":      factory(&showCommand{m}),
		"output":    factory(&outputCommand{m}),
		"state":     factory(&stateCommand{m}),
		"fmt":       factory(&fmtCommand{meta: m}),
		"import":    factory(&importCommand{m}),
		"graph":     factory(&graphCommand{m}),
		"drift":     factory(&driftCommand{m}),
		"watch":     factory(&watchCommand{m}),
		"workspace": factory(&workspaceCommand{m}),
		"init":      factory(&initCommand{m}),
		"console":   factory(&consoleCommand{m}),
		"taint":     factory(&taintCommand{meta: m, taint: true}),
		"untaint":   factory(&taintCommand{meta: m}),
		"providers": factory(command.Parent{Summary: "Show the schema of the built-in spice provider",
			Usage: "Usage: spice providers schema -json\n\n  spice carries one provider, " + provider.Address + ", built in."}),
		"providers schema": factory(&providersSchemaCommand{m}),
	}
}
