package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

const refreshOnlyConfig = `
resource "spice_directory" "app" {
  path = "/srv/app"
  mode = "0755"
}
resource "spice_file" "conf" {
  path    = "${spice_directory.app.path}/app.conf"
  content = "workers = 4\n"
}
resource "spice_file" "untouched" {
  path    = "${spice_directory.app.path}/README"
  content = "managed by spice\n"
}
output "conf_sha" {
  value = spice_file.conf.sha256
}
`

// Drift acceptance, with Terraform as the reference: after a file is
// edited and a directory chmod-ed behind spice's back, plan -refresh-only
// lists the same drifted addresses with both front ends and plans no
// change; apply -refresh-only records the drift in state and leaves the
// host as it is, so that a normal plan then offers to undo the edit.
func TestRefreshOnlyMatchesTerraform(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	root, work := t.TempDir(), t.TempDir()
	cfg := fmt.Sprintf("terraform {\n  required_providers {\n    spice = { source = \"spice-harvester/spice\" }\n  }\n}\nprovider \"spice\" {\n  root = %q\n}\n", root) + refreshOnlyConfig
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644))
	spice := testsupport.NewSpice(t, work, bin)
	tf := testsupport.NewTerraform(t, work, bin)

	spice.MustRun(0, "apply", "-auto-approve")
	tf.MustRun(0, "plan", "-refresh-only", "-detailed-exitcode")
	spice.MustRun(0, "plan", "-refresh-only", "-detailed-exitcode")

	conf := filepath.Join(root, "srv", "app", "app.conf")
	require.NoError(t, os.WriteFile(conf, []byte("workers = 8\n"), 0o644))
	require.NoError(t, os.Chmod(filepath.Join(root, "srv", "app"), 0o700))

	tf.MustRun(2, "plan", "-refresh-only", "-detailed-exitcode", "-out=tf.plan")
	want := parsePlan(t, tf.Stdout("show", "-json", "tf.plan"))
	spice.MustRun(2, "plan", "-refresh-only", "-detailed-exitcode")
	got := parsePlan(t, spice.Stdout("plan", "-refresh-only", "-json"))
	assert.Equal(t, []string{"spice_directory.app", "spice_file.conf"}, keys(changeActions(want.ResourceDrift)), "Terraform's resource_drift")
	assert.Equal(t, changeActions(want.ResourceDrift), changeActions(got.ResourceDrift), "resource_drift")
	assert.Equal(t, changeActions(want.ResourceChanges), changeActions(got.ResourceChanges), "resource_changes")
	for _, c := range got.ResourceChanges {
		assert.Equal(t, tfjson.Actions{tfjson.ActionNoop}, c.Change.Actions, c.Address)
	}
	assert.Equal(t, moduleAddresses(want.PlannedValues.RootModule), moduleAddresses(got.PlannedValues.RootModule), "planned_values")
	assert.Equal(t, moduleAddresses(want.PriorState.Values.RootModule), moduleAddresses(got.PriorState.Values.RootModule), "prior_state: the refreshed values")
	assert.Equal(t, keys(want.OutputChanges), keys(got.OutputChanges), "output_changes")
	assert.Equal(t, outputActions(want), outputActions(got), "output_changes actions")

	serial := stateSerial(t, work)
	spice.MustRun(0, "apply", "-refresh-only", "-auto-approve")
	assert.Equal(t, serial+1, stateSerial(t, work), "the refreshed state is written once")
	content, err := os.ReadFile(conf)
	require.NoError(t, err)
	assert.Equal(t, "workers = 8\n", string(content), "the host keeps the edited file")
	info, err := os.Stat(filepath.Join(root, "srv", "app"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm(), "and the chmod")
	var st tfjson.State
	require.NoError(t, json.Unmarshal([]byte(spice.Stdout("show", "-json")), &st))
	for _, r := range st.Values.RootModule.Resources {
		switch r.Address {
		case "spice_file.conf":
			assert.Equal(t, "workers = 8\n", r.AttributeValues["content"], "the state records the edited content")
		case "spice_directory.app":
			assert.Equal(t, "0700", r.AttributeValues["mode"], "the state records the chmod")
		}
	}

	tf.MustRun(0, "plan", "-refresh-only", "-detailed-exitcode")
	spice.MustRun(0, "plan", "-refresh-only", "-detailed-exitcode")
	got = parsePlan(t, spice.Stdout("plan", "-json"))
	assert.Equal(t, map[string]string{
		"spice_directory.app": "[update]", "spice_file.conf": "[update]", "spice_file.untouched": "[no-op]",
	}, changeActions(got.ResourceChanges), "a normal plan undoes the accepted drift")
}

func outputActions(p *tfjson.Plan) map[string]string {
	out := map[string]string{}
	for name, c := range p.OutputChanges {
		out[name] = fmt.Sprint(c.Actions)
	}
	return out
}

func stateSerial(t *testing.T, dir string) uint64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	require.NoError(t, err)
	var st struct {
		Serial uint64 `json:"serial"`
	}
	require.NoError(t, json.Unmarshal(b, &st))
	return st.Serial
}
