package core

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// A targeted plan refreshes and repairs only the targeted instances: the
// others keep their state values, drift and all, and a host that serves
// no targeted resource is not contacted (the unreachable one here). An
// untargeted instance is in the plan (a no-op) only when an expression
// needs its value: conf[0], which other refers to; other, which nothing
// refers to, is left out of the plan and kept in state.
func TestTargetsRepairOnlyTargetedInstances(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "conf" {
  count   = 2
  path    = "/conf${count.index}"
  content = "declared ${count.index}\n"
}
resource "spice_file" "other" {
  path    = "/other"
  content = "${spice_file.conf[0].path} other\n"
}
`})
	te.apply(t, te.plan(t, NormalMode))
	for _, name := range []string{"conf0", "conf1", "other"} {
		require.NoError(t, os.WriteFile(filepath.Join(te.root, name), []byte("edited\n"), 0o600))
	}
	te.write(t, map[string]string{"far.tf": `
provider "spice" {
  alias = "far"
  host  = "127.0.0.1"
  port  = 1
}
resource "spice_file" "far" {
  provider = spice.far
  path     = "/far"
  content  = "x"
}
`})
	te.reload(t)
	te.Targets = map[string]bool{"spice_file.conf[1]": true}
	p := te.plan(t, NormalMode)
	assert.Equal(t, map[string]Action{"spice_file.conf[0]": NoOp, "spice_file.conf[1]": Update}, actionsOf(p))
	require.Len(t, p.Drift, 1, "only the target is refreshed")
	assert.Equal(t, "spice_file.conf[1]", p.Drift[0].Addr)
	te.apply(t, p)
	saved, err := state.Read(te.statePath())
	require.NoError(t, err)
	for _, name := range []string{"conf", "other"} {
		assert.NotNil(t, saved.FindIn("", "managed", "spice_file", name), "spice_file.%s stays in state", name)
	}
	assert.Len(t, saved.FindIn("", "managed", "spice_file", "conf").Instances, 2)

	for name, want := range map[string]string{"conf0": "edited\n", "conf1": "declared 1\n", "other": "edited\n"} {
		got, err := os.ReadFile(filepath.Join(te.root, name))
		require.NoError(t, err)
		assert.Equal(t, want, string(got), name)
	}
	te.reload(t)
	te.Targets = map[string]bool{"spice_file.other": true, "spice_file.conf": true}
	assert.Equal(t, map[string]Action{"spice_file.conf[0]": Update, "spice_file.conf[1]": NoOp, "spice_file.other": Update},
		actionsOf(te.plan(t, NormalMode)), "a resource address targets all its instances")
}
