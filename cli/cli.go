// Package cli is the spice command line: the person-facing side of the one
// binary. It has two faces: the engine commands (cli/engine: plan, apply,
// state, ... on an operator's machine or in CI) and the agent commands
// (cli/agent: backup and drill, run on the managed host itself). Subcommands
// follow Terraform's conventions (single-dash flags, exit code 1 on error).
package cli

import (
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"

	"github.com/hashicorp/cli"

	"github.com/spice-harvester/terraform-provider-spice/cli/agent"
	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/cli/engine"
	"github.com/spice-harvester/terraform-provider-spice/provider"
)

// Run executes the CLI with args (without the program name) and returns the
// process exit code.
func Run(args []string, version string, stdin io.Reader, stdout, stderr io.Writer) int {
	// -chdir=DIR comes before the subcommand, as in Terraform.
	for len(args) > 0 && strings.HasPrefix(args[0], "-chdir=") {
		if err := os.Chdir(strings.TrimPrefix(args[0], "-chdir=")); err != nil {
			_, _ = fmt.Fprintf(stderr, "Error: -chdir: %s\n", err)
			return 1
		}
		args = args[1:]
	}
	// A run is short and allocation-heavy (every provider call converts
	// values): collect garbage less often than Go's default, but not so
	// rarely that the heap keeps growing into fresh memory, whose page
	// faults cost more than collecting (at 400 a converged plan of 500
	// files took 6,300 faults and more CPU than at 200 with 5,200). Stay
	// well under the memory budget of large plans: a converged plan of
	// 10,000 files keeps ~85 MB live, and the process's RSS runs ~20 MB
	// over the limit. GOGC and GOMEMLIMIT still override.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(160 << 20)
	}
	// SPICE_CPU_PROFILE=FILE writes a CPU profile of the run, for make bench.
	if path := os.Getenv("SPICE_CPU_PROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	// SPICE_MEM_PROFILE=FILE writes a heap profile at the end of the run:
	// what a plan still holds then is about all it held at its peak.
	if path := os.Getenv("SPICE_MEM_PROFILE"); path != "" {
		defer writeHeapProfile(path)
	}
	c := &cli.CLI{
		Name:        "spice",
		Version:     version,
		Args:        args,
		HelpWriter:  stdout,
		ErrorWriter: stderr,
		Commands:    commands(command.Streams{Version: version, Stdin: stdin, Stdout: stdout, Stderr: stderr}),
	}
	code, err := c.Run()
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "spice: %s\n", err)
		return 1
	}
	return code
}

func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		return // a profile is a measuring aid, never a reason to fail a run
	}
	defer func() { _ = f.Close() }()
	_ = pprof.Lookup("heap").WriteTo(f, 0)
}

// commands are every subcommand of both faces, by name ("backup run").
func commands(streams command.Streams) map[string]cli.CommandFactory {
	all := engine.Commands(streams)
	maps.Copy(all, agent.Commands(streams))
	all["version"] = func() (cli.Command, error) {
		return &versionCommand{ui: &cli.BasicUi{Writer: streams.Stdout, ErrorWriter: streams.Stderr}, version: streams.Version}, nil
	}
	return all
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
