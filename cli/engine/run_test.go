package engine

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
)

// spiceRun runs one spice command in the current directory, as a fresh
// process would: new commands, new streams.
func spiceRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmds := Commands(command.Streams{Version: "test", Stdin: &bytes.Buffer{}, Stdout: &out, Stderr: &errOut})
	c, err := cmds[args[0]]()
	require.NoError(t, err)
	code = c.Run(args[1:])
	return code, out.String(), errOut.String()
}

// spiceRunCombined is spiceRun with stdout and stderr in one stream, in
// the order written, as on a terminal.
func spiceRunCombined(t *testing.T, args ...string) (code int, output string) {
	t.Helper()
	var out bytes.Buffer
	cmds := Commands(command.Streams{Version: "test", Stdin: &bytes.Buffer{}, Stdout: &out, Stderr: &out})
	c, err := cmds[args[0]]()
	require.NoError(t, err)
	code = c.Run(args[1:])
	return code, out.String()
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := spiceRun(t, args...)
	require.Equal(t, 0, code, "spice %q\n%s\n%s", args, out, errOut)
	return out
}

// motdConfig makes a working directory (the current one, for the test)
// whose configuration writes /etc/motd under a fresh root.
func motdConfig(t *testing.T, content string) (root string) {
	t.Helper()
	root, work := t.TempDir(), t.TempDir()
	t.Chdir(work)
	require.NoError(t, os.WriteFile("main.tf", []byte(fmt.Sprintf(`
provider "spice" {
  root = %q
}

variable "motd" {
  type    = string
  default = ""
}

variable "token" {
  type      = string
  default   = "not a secret"
  sensitive = true
}

resource "spice_directory" "etc" {
  path = "/etc"
}

resource "spice_file" "motd" {
  path    = "${spice_directory.etc.path}/motd"
  content = %s
}
`, root, content)), 0o644))
	return root
}

func readHostFile(t *testing.T, root, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, p))
	require.NoError(t, err)
	return string(b)
}
