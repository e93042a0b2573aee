package engine

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"golang.org/x/term"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/render"
)

// consoleCommand evaluates expressions against the state, as terraform
// console does.
type consoleCommand struct{ meta }

func (c *consoleCommand) Synopsis() string { return "Try expressions against the state and variables" }
func (c *consoleCommand) Help() string {
	return `Usage: spice [-chdir=DIR] console [-state=FILE] [-var 'NAME=VALUE'] [-var-file=FILE]

  Evaluates expressions against the current state and the configuration's
  variables, locals and module outputs, as terraform console does. Touches
  no host and never changes the state. Required variables given no value
  are unknown.

  On a terminal it reads one expression per line ("exit" or Ctrl-D ends).
  On a pipe it evaluates every line and prints the last line's result, or
  stops at the first error with exit code 1:

    echo 'spice_file.motd.path' | spice console`
}

func (c *consoleCommand) Run(args []string) int {
	fs := c.flagSet("console", true)
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	if len(pos) > 0 {
		return c.Errorf("console takes no arguments, got %q", pos)
	}
	c.unsetVariablesUnknown = true
	ctx := context.Background()
	s, ok := c.open(ctx, "")
	if !ok {
		return 1
	}
	defer s.close()
	s.engine.Progress = nil
	console, diags := s.engine.Console(ctx)
	if diags.HasErrors() {
		c.diagnostics(s.module, diags)
		if console == nil {
			return 1
		}
		diags = hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Due to the problems above, some expressions may produce unexpected results."}}
	}
	c.diagnostics(s.module, diags)
	if f, ok := c.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return c.interactive(s, console)
	}
	return c.piped(s, console)
}

// handle evaluates one line; done is true for "exit".
func (c *consoleCommand) handle(console *core.Console, line string) (result string, done bool, diags hcl.Diagnostics) {
	switch line = strings.TrimSpace(line); line {
	case "":
		return "", false, nil
	case "exit":
		return "", true, nil
	case "help":
		return consoleHelp, false, nil
	}
	v, diags := console.Eval(line)
	if diags.HasErrors() {
		return "", false, diags
	}
	return render.ConsoleValue(v), false, diags
}

const consoleHelp = `The spice console evaluates expressions as a configuration would. You may
access resources in the state just as you would from a configuration: for
example, "spice_file.motd.sha256" is the sha256 of "spice_file.motd" if it
exists in your state.

Type in the expression to evaluate and hit <enter> to see the result.

To exit the console, type "exit" and hit <enter>, or use Control-D.`

// piped evaluates every line and prints only the last result, exiting at
// the first error, as terraform console does on a pipe.
func (c *consoleCommand) piped(s *session, console *core.Console) int {
	last := ""
	scanner := bufio.NewScanner(c.Stdin)
	for scanner.Scan() {
		result, done, diags := c.handle(console, scanner.Text())
		if diags.HasErrors() {
			c.diagnostics(s.module, diags)
			return 1
		}
		if done {
			return 0
		}
		last = result
	}
	if err := scanner.Err(); err != nil {
		return c.Errorf("read standard input: %s", err)
	}
	fmt.Fprintln(c.Stdout, last)
	return 0
}

// interactive prompts for one expression per line and prints each result;
// an error is shown and the session goes on.
func (c *consoleCommand) interactive(s *session, console *core.Console) int {
	scanner := bufio.NewScanner(c.Stdin)
	for {
		fmt.Fprint(c.Stdout, "> ")
		if !scanner.Scan() {
			fmt.Fprintln(c.Stdout)
			return 0
		}
		result, done, diags := c.handle(console, scanner.Text())
		if done {
			return 0
		}
		c.diagnostics(s.module, diags)
		if result != "" {
			fmt.Fprintln(c.Stdout, result)
		}
	}
}
