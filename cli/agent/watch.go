package agent

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/watch"
)

// watchCommand is `spice agent watch PATH...`: the event stream spice
// watch reads from a remote host over SSH.
type watchCommand struct {
	command.Streams
}

func (c *watchCommand) Synopsis() string {
	return "Stream file events of managed paths (run by spice watch over SSH)"
}

func (c *watchCommand) Help() string {
	return `Usage: spice agent watch PATH...

  Runs on a managed host, started by spice watch over its SSH connection:
  watches each PATH through its parent directory with fsnotify and writes
  one JSON line per event on stdout ({"ready":true} first, once every
  directory is watched), until stdin's session ends or SIGTERM.`
}

func (c *watchCommand) Run(args []string) int {
	if len(args) == 0 {
		return c.Errorf("agent watch needs at least one path")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := watch.StreamEvents(ctx, args, c.Stdout); err != nil {
		return c.Errorf("agent watch: %s", err)
	}
	return 0
}
