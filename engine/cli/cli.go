// Package cli is the spice command line: the person-facing side of the one
// binary. Subcommands follow Terraform's conventions (single-dash flags,
// exit code 1 on error).
package cli

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"

	"github.com/hashicorp/cli"

	"github.com/spice-harvester/terraform-provider-spice/provider"
)

// Run executes the CLI with args (without the program name) and returns the
// process exit code.
func Run(args []string, version string, stdin io.Reader, stdout, stderr io.Writer) int {
	m := meta{version: version, stdin: stdin, stdout: stdout, stderr: stderr, dir: ".", parallelism: 10, refresh: true, lock: true}
	// -chdir=DIR comes before the subcommand, as in Terraform.
	for len(args) > 0 && strings.HasPrefix(args[0], "-chdir=") {
		m.dir = strings.TrimPrefix(args[0], "-chdir=")
		if err := os.Chdir(m.dir); err != nil {
			_, _ = fmt.Fprintf(stderr, "Error: -chdir: %s\n", err)
			return 1
		}
		m.dir = "."
		args = args[1:]
	}
	// A run is short and allocation-heavy (every provider call converts
	// values): collect garbage less often, but stay well under the memory
	// budget of large plans. GOGC and GOMEMLIMIT still override.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(200 << 20)
	}
	// SPICE_CPU_PROFILE=FILE writes a CPU profile of the run, for make bench.
	if path := os.Getenv("SPICE_CPU_PROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	ui := &cli.BasicUi{Writer: stdout, ErrorWriter: stderr}
	command := func(c cli.Command) cli.CommandFactory { return func() (cli.Command, error) { return c, nil } }
	c := &cli.CLI{
		Name:        "spice",
		Version:     version,
		Args:        args,
		HelpWriter:  stdout,
		ErrorWriter: stderr,
		Commands: map[string]cli.CommandFactory{
			"version":  command(&versionCommand{ui: ui, version: version}),
			"validate": command(&validateCommand{m}),
			"plan":     command(&planCommand{m}),
			"apply":    command(&applyCommand{meta: m}),
			"destroy":  command(&applyCommand{meta: m, destroy: true}),
			"show":     command(&showCommand{m}),
			"output":   command(&outputCommand{m}),
			"state":    command(&stateCommand{m}),
			"fmt":      command(&fmtCommand{m}),
			"import":   command(&importCommand{m}),
			"graph":    command(&graphCommand{m}),

			"backup run":     command(&backupCommand{meta: m, verb: "run"}),
			"backup list":    command(&backupCommand{meta: m, verb: "list"}),
			"backup verify":  command(&backupCommand{meta: m, verb: "verify"}),
			"backup restore": command(&backupCommand{meta: m, verb: "restore"}),
			"drill":          command(&drillCommand{m}),
		},
	}
	code, err := c.Run()
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "spice: %s\n", err)
		return 1
	}
	return code
}

type versionCommand struct {
	ui      cli.Ui
	version string
}

func (c *versionCommand) Synopsis() string { return "Show the spice version" }
func (c *versionCommand) Help() string {
	return "Usage: spice version\n\n  Shows the version of spice and the provider it carries."
}

func (c *versionCommand) Run(args []string) int {
	if len(args) > 0 {
		c.ui.Error(fmt.Sprintf("spice version takes no arguments, got %q\n\n%s", args, c.Help()))
		return 1
	}
	c.ui.Output(fmt.Sprintf("spice %s\nprovider %s (plugin protocol 6)\n%s %s/%s",
		c.version, provider.Address, runtime.Version(), runtime.GOOS, runtime.GOARCH))
	return 0
}
