package core

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A refresh-only plan changes no object: applying it records in state
// what changed outside spice (an edited file, a chmod, a deleted file),
// with the outputs computed from it, and leaves the hosts as they are.
func TestRefreshOnlyRecordsDrift(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
resource "spice_directory" "app" {
  path = "/app"
  mode = "0755"
}
resource "spice_file" "conf" {
  path    = "${spice_directory.app.path}/conf"
  content = "declared\n"
}
resource "spice_file" "gone" {
  path    = "${spice_directory.app.path}/gone"
  content = "x"
}
resource "spice_file" "same" {
  path    = "${spice_directory.app.path}/same"
  content = "same"
}
output "conf" {
  value = spice_file.conf.content
}
`})
	te.apply(t, te.plan(t, NormalMode))
	te.reload(t)
	p := te.plan(t, RefreshOnlyMode)
	assert.False(t, p.HasChanges(), "nothing changed outside spice yet")
	assert.Empty(t, p.Drift)

	app := filepath.Join(te.root, "app")
	require.NoError(t, os.WriteFile(filepath.Join(app, "conf"), []byte("edited\n"), 0o644))
	require.NoError(t, os.Chmod(app, 0o700))
	require.NoError(t, os.Remove(filepath.Join(app, "gone")))
	p = te.plan(t, RefreshOnlyMode)
	assert.True(t, p.HasChanges())
	assert.True(t, p.OutputsChanged(), "output conf follows the edited file")
	var drifted []string
	for _, d := range p.Drift {
		drifted = append(drifted, d.Addr)
	}
	assert.Equal(t, []string{"spice_directory.app", "spice_file.conf", "spice_file.gone"}, drifted)
	for addr, action := range actionsOf(p) {
		assert.Equal(t, NoOp, action, addr)
	}

	te.apply(t, p)
	got, err := os.ReadFile(filepath.Join(app, "conf"))
	require.NoError(t, err)
	assert.Equal(t, "edited\n", string(got), "the host keeps the drifted content")
	assert.NoFileExists(t, filepath.Join(app, "gone"))

	te.reload(t)
	p = te.plan(t, RefreshOnlyMode)
	assert.False(t, p.HasChanges(), "the state now records the drift")
	assert.JSONEq(t, `{"value":"edited\n","type":"string"}`, `{"value":`+string(te.State.Outputs["conf"].Value)+`,"type":`+string(te.State.Outputs["conf"].Type)+`}`)
	assert.Equal(t, map[string]Action{
		"spice_directory.app": Update, "spice_file.conf": Update, "spice_file.gone": Create, "spice_file.same": NoOp,
	}, actionsOf(te.plan(t, NormalMode)), "a normal plan converges again")
}
