// Package agent holds the commands that run on a managed host itself: the
// backup verbs the systemd timer of spice_backup_policy calls, restore
// drills, and the host side of spice watch and of spice_env_file's
// generated secrets. The operator reaches them over SSH; they never read a
// configuration or a state.
package agent

import (
	"github.com/hashicorp/cli"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
)

// Commands are the agent's subcommands.
func Commands(streams command.Streams) map[string]cli.CommandFactory {
	factory := func(c cli.Command) cli.CommandFactory { return func() (cli.Command, error) { return c, nil } }
	commands := map[string]cli.CommandFactory{
		"drill":          factory(&drillCommand{streams}),
		"agent watch":    factory(&watchCommand{streams}),
		"agent env-file": factory(&envFileCommand{streams}),
		"agent": factory(command.Parent{Summary: "Commands spice runs on a managed host itself",
			Usage: "Usage: spice agent SUBCOMMAND\n\n  Run by spice over SSH on a managed host, not by hand."}),
		"backup": factory(command.Parent{Summary: "Make, list, verify and restore backups on this host",
			Usage: "Usage: spice backup SUBCOMMAND -policy FILE|NAME [options]\n\n  Run on the host that holds the backups (the spice_backup_policy timer\n  calls backup run)."}),
	}
	for verb := range backupVerbs {
		commands["backup "+verb] = factory(&backupCommand{Streams: streams, verb: verb})
	}
	return commands
}
