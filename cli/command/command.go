// Package command holds what every spice subcommand shares, whichever face
// of the binary it belongs to: the process's streams, Terraform-style error
// printing and flag parsing that accepts flags after positional arguments.
package command

import (
	"flag"
	"fmt"
	"io"

	"github.com/hashicorp/cli"
)

// Streams are the process's standard streams and the version being run.
type Streams struct {
	Version        string
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// Errorf prints an error as Terraform does ("Error: ..." after a blank
// line) and returns exit code 1.
func (s Streams) Errorf(format string, args ...any) int {
	fmt.Fprintf(s.Stderr, "\nError: "+format+"\n", args...)
	return 1
}

// ParseArgs parses flags wherever they stand, before or after positional
// arguments, and returns the positional ones.
func ParseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// Parent is a command that only groups subcommands (spice backup run,
// spice providers schema): it gives spice -help a synopsis and prints its
// help, which lists the subcommands.
type Parent struct{ Summary, Usage string }

// Synopsis is the one line spice -help shows.
func (p Parent) Synopsis() string { return p.Summary }

// Help is the usage text above the list of subcommands.
func (p Parent) Help() string { return p.Usage }

// Run prints the help: a parent does nothing by itself.
func (p Parent) Run([]string) int { return cli.RunResultHelp }
