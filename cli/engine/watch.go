package engine

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/watch"
)

// watchCommand is spice watch: the continuous reconciler (package watch).
type watchCommand struct{ meta }

func (c *watchCommand) Synopsis() string {
	return "Repair drift as it happens and export metrics, until stopped"
}

func (c *watchCommand) Help() string {
	return `Usage: spice [-chdir=DIR] watch [options]

  Runs until SIGTERM or SIGINT: repairs local managed files as soon as
  fsnotify reports a change, checks every host every -interval (spread
  over the interval), reloads when a .tf or .tfvars file changes or on
  SIGHUP (an invalid edit is reported and the last good configuration
  stays), and logs every finding and repair. Each repair takes the state
  lock and releases it. SIGTERM finishes the repair under way, saves the
  state and exits 0.

Options:
  -apply=true           repair drift; -apply=false only reports it
  -interval=60s         how often every host is checked
  -metrics-addr=ADDR    serve Prometheus /metrics and /healthz on ADDR
  -log-format=json      json or text log lines on stdout
  -flap-repairs=5       repairs of one object allowed within -flap-window;
                        the next drift marks it contested (left alone
                        until the configuration changes)
  -flap-window=10m      the window of -flap-repairs
  -backoff-max=5m       longest wait between retries of a failing repair
  -var 'NAME=VALUE'     set a variable (repeatable)
  -var-file=FILE        read variables from a file (repeatable)
  -parallelism=N        concurrent operations (default 10)
  -state=FILE           state file (default terraform.tfstate)`
}

func (c *watchCommand) Run(args []string) int {
	fs := c.flagSet("watch", true)
	apply := fs.Bool("apply", true, "")
	interval := fs.Duration("interval", time.Minute, "")
	metricsAddr := fs.String("metrics-addr", "", "")
	logFormat := fs.String("log-format", "json", "")
	flapRepairs := fs.Int("flap-repairs", 5, "")
	flapWindow := fs.Duration("flap-window", 10*time.Minute, "")
	backoffMax := fs.Duration("backoff-max", 5*time.Minute, "")
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	switch {
	case len(pos) > 0:
		return c.Errorf("watch takes no arguments, got %q", pos)
	case *interval <= 0:
		return c.Errorf("-interval must be positive, got %s", *interval)
	case *flapRepairs < 1:
		return c.Errorf("-flap-repairs must be at least 1, got %d", *flapRepairs)
	case *flapWindow <= 0 || *backoffMax <= 0:
		return c.Errorf("-flap-window and -backoff-max must be positive")
	case !c.refresh:
		return c.Errorf("watch always refreshes: -refresh=false would find nothing")
	}
	var handler slog.Handler
	switch *logFormat {
	case "json":
		handler = slog.NewJSONHandler(c.Stdout, nil)
	case "text":
		handler = slog.NewTextHandler(c.Stdout, nil)
	default:
		return c.Errorf("-log-format must be json or text, got %q", *logFormat)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	var vars []config.VarArg
	if c.vars.args != nil {
		vars = *c.vars.args
	}
	drift := &driftCommand{c.meta}
	w, err := watch.New(ctx, watch.Options{
		Dir: c.dir, StatePath: c.statePath, Vars: vars, Factory: c.factory(), Version: c.Version, Parallelism: c.parallelism,
		Interval: *interval, Apply: *apply, MetricsAddr: *metricsAddr, Logger: slog.New(handler),
		FlapRepairs: *flapRepairs, FlapWindow: *flapWindow, BackoffBase: time.Second, BackoffMax: *backoffMax,
		Judge: drift.build, Reload: hup,
	})
	if err != nil {
		return c.Errorf("%s", err)
	}
	if err := w.Run(ctx); err != nil {
		return c.Errorf("%s", err)
	}
	return 0
}
