// Package command holds what every spice subcommand shares, whichever face
// of the binary it belongs to: the process's streams, Terraform-style error
// printing and flag parsing that accepts flags after positional arguments.
package command

import (
	"flag"
	"fmt"
	"io"
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
