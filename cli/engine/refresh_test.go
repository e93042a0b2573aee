package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plan -refresh-only shows the drift and plans nothing; its saved plan
// applies as refresh-only: the state takes the edited file, the host keeps
// it. The flag contradicts -refresh=false and destroy, as in Terraform.
func TestRefreshOnlyPlanFile(t *testing.T) {
	root := motdConfig(t, `"hello\n"`)
	mustRun(t, "apply", "-auto-approve")

	code, out, _ := spiceRun(t, "plan", "-refresh-only", "-detailed-exitcode")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "No changes. Your infrastructure still matches the configuration.")

	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "motd"), []byte("edited\n"), 0o644))
	code, out, _ = spiceRun(t, "plan", "-refresh-only", "-detailed-exitcode", "-out=refresh.plan")
	assert.Equal(t, 2, code, out)
	assert.Contains(t, out, "# spice_file.motd has changed")
	assert.Contains(t, out, "This is a refresh-only plan, so spice will not take any actions to undo these.")
	assert.NotContains(t, out, "spice will perform the following actions")

	out = mustRun(t, "apply", "refresh.plan")
	assert.Contains(t, out, "Apply complete! Resources: 0 added, 0 changed, 0 destroyed.")
	assert.Equal(t, "edited\n", readHostFile(t, root, "etc/motd"), "a refresh-only apply changes no host")
	code, out, _ = spiceRun(t, "plan", "-refresh-only", "-detailed-exitcode")
	assert.Equal(t, 0, code, "the state records the edit now\n%s", out)
	code, out, _ = spiceRun(t, "plan", "-detailed-exitcode")
	assert.Equal(t, 2, code, out)
	assert.Contains(t, out, "# spice_file.motd will be updated in-place")

	for _, args := range [][]string{{"plan", "-refresh-only", "-refresh=false"}, {"plan", "-refresh-only", "-destroy"}, {"destroy", "-refresh-only"}} {
		code, _, errOut := spiceRun(t, args...)
		assert.Equal(t, 1, code, "%q", args)
		assert.Contains(t, errOut, "-refresh-only", "%q", args)
	}
}
