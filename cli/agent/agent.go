// Package agent holds the commands that run on a managed host itself: the
// backup verbs the systemd timer of spice_backup_policy calls, and restore
// drills. The operator reaches them over SSH; they never read a
// configuration or a state.
package agent

import (
	"github.com/hashicorp/cli"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
)

// Commands are the agent's subcommands.
func Commands(streams command.Streams) map[string]cli.CommandFactory {
	factory := func(c cli.Command) cli.CommandFactory { return func() (cli.Command, error) { return c, nil } }
	commands := map[string]cli.CommandFactory{"drill": factory(&drillCommand{streams}), "agent watch": factory(&watchCommand{streams})}
	for verb := range backupVerbs {
		commands["backup "+verb] = factory(&backupCommand{Streams: streams, verb: verb})
	}
	return commands
}
