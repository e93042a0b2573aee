package agent

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/dotenv/generated"
	"github.com/spice-harvester/terraform-provider-spice/host"
)

// envFileCommand is `spice agent env-file apply|inspect`: the host side of
// spice_env_file's generated_secrets on a remote host, so that generated
// values are made on the host and never travel back.
type envFileCommand struct {
	command.Streams
}

func (c *envFileCommand) Synopsis() string {
	return "Write or inspect an env file with generated secrets (run by spice over SSH)"
}

func (c *envFileCommand) Help() string {
	return `Usage: spice agent env-file [-root DIR] apply|inspect

  Runs on a managed host, started by spice_env_file over its SSH connection
  when the file declares generated_secrets. Reads one JSON request on
  stdin and writes one JSON answer on stdout: apply writes the file with
  the declared variables and makes (or keeps) the generated values on this
  host; inspect reads it back. Either way the answer holds only keyed
  hashes of the generated values, never the values. -root maps every path
  below DIR, as the provider's root does.`
}

func (c *envFileCommand) Run(args []string) int {
	fs := flag.NewFlagSet("agent env-file", flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	fs.Usage = func() { fmt.Fprintln(c.Stderr, c.Help()) }
	root := fs.String("root", "/", "directory every path is mapped below")
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	if len(pos) != 1 || (pos[0] != "apply" && pos[0] != "inspect") {
		return c.Errorf("agent env-file takes apply or inspect, got %q", pos)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	h, err := host.NewLocal(*root)
	if err != nil {
		return c.Errorf("agent env-file: %s", err)
	}
	defer func() { _ = h.Close() }()
	answer, err := c.serve(ctx, h, pos[0])
	if err != nil {
		return c.Errorf("agent env-file %s: %s", pos[0], err)
	}
	if err := json.NewEncoder(c.Stdout).Encode(answer); err != nil {
		return c.Errorf("agent env-file %s: %s", pos[0], err)
	}
	return 0
}

// serve decodes the request of op from stdin and carries it out. Errors
// name paths and variables, never values.
func (c *envFileCommand) serve(ctx context.Context, h *host.Local, op string) (any, error) {
	dec := json.NewDecoder(c.Stdin)
	dec.DisallowUnknownFields()
	if op == "apply" {
		var req generated.ApplyRequest
		if err := dec.Decode(&req); err != nil {
			return nil, fmt.Errorf("read the request: %w", err)
		}
		return generated.Apply(ctx, h, req)
	}
	var req generated.InspectRequest
	if err := dec.Decode(&req); err != nil {
		return nil, fmt.Errorf("read the request: %w", err)
	}
	return generated.Inspect(ctx, h, req)
}
