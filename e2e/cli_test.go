package e2e

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// The binary is the CLI when a person starts it, under either name.
func TestBinaryIsTheCLI(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	for _, name := range []string{"spice", "terraform-provider-spice"} {
		out, err := exec.Command(filepath.Join(bin, name), "version").CombinedOutput()
		require.NoError(t, err, "%s version: %s", name, out)
		assert.Contains(t, string(out), "spice ")
		assert.Contains(t, string(out), "registry.terraform.io/spice-harvester/spice")
	}

	cmd := exec.Command(filepath.Join(bin, "spice"), "version", "extra")
	out, err := cmd.CombinedOutput()
	assert.Error(t, err, "extra arguments are an error")
	assert.Contains(t, string(out), "takes no arguments")

	err = exec.Command(filepath.Join(bin, "spice"), "no-such-command").Run()
	assert.Error(t, err, "an unknown command exits non-zero")
}
