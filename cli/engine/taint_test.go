package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/engine/state"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// A service whose health gate fails on create stays in state, tainted, as
// Terraform keeps it: show marks it, the next plan replaces it, and the
// apply that succeeds clears the mark. A failed update taints nothing.
func TestFailedCreateTaints(t *testing.T) {
	h := testhosts.Start(t, 1)[0]
	const www, port = "/srv/spice-taint", 8005
	h.Exec(t, "sh", "-c", "mkdir -p "+www+" && echo ok > "+www+"/health")
	t.Chdir(t.TempDir())
	// A check that can pass returns as soon as it does: a long period
	// (python starts slowly on a loaded machine). One that cannot waits
	// its whole period: a short one.
	startPeriod := func(healthPort int) string {
		if healthPort == port {
			return "60s"
		}
		return "1s"
	}
	configure := func(healthPort int, trigger string) {
		t.Helper()
		require.NoError(t, os.WriteFile("main.tf", []byte(h.SpiceProvider()+fmt.Sprintf(`
resource "spice_service" "api" {
  name             = "spice-taint"
  exec_start       = "/usr/bin/python3 -m http.server %d --bind 127.0.0.1 --directory %s"
  restart_triggers = { config = %q }
  health_check {
    url          = "http://127.0.0.1:%d/health"
    interval     = "100ms"
    start_period = %q
  }
}
`, port, www, trigger, healthPort, startPeriod(healthPort))), 0o644))
	}
	tainted := func() bool {
		t.Helper()
		st, err := state.Read(state.DefaultPath)
		require.NoError(t, err)
		_, inst := st.Lookup("spice_service.api")
		require.NotNil(t, inst, "the service is in state")
		return inst.Tainted()
	}

	// Nobody listens on 8099: the create fails, the service stays.
	configure(8099, "v1")
	code, out, errOut := spiceRun(t, "apply", "-auto-approve", "-no-color")
	require.Equal(t, 1, code, "%s\n%s", out, errOut)
	assert.True(t, tainted())
	assert.Contains(t, mustRun(t, "state", "show", "-no-color", "spice_service.api"), "# spice_service.api: (tainted)\n")

	plan := mustRun(t, "plan", "-no-color")
	assert.Contains(t, plan, "  # spice_service.api is tainted, so must be replaced\n-/+ resource \"spice_service\" \"api\" {\n")
	assert.Contains(t, plan, "Plan: 1 to add, 0 to change, 1 to destroy.")
	var jsonPlan struct {
		ResourceChanges []struct {
			Address      string `json:"address"`
			ActionReason string `json:"action_reason"`
		} `json:"resource_changes"`
	}
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "plan", "-json")), &jsonPlan))
	require.Len(t, jsonPlan.ResourceChanges, 1)
	assert.Equal(t, "replace_because_tainted", jsonPlan.ResourceChanges[0].ActionReason)

	// The same configuration, its health check corrected: replaced, clean.
	configure(port, "v1")
	mustRun(t, "apply", "-auto-approve", "-no-color")
	assert.False(t, tainted())
	assert.Contains(t, mustRun(t, "state", "show", "-no-color", "spice_service.api"), "# spice_service.api:\n")

	// An update (a restart) whose health gate fails keeps the object
	// untainted, as Terraform does: the next plan updates it in place
	// (restart_on_unhealthy restarts it again).
	configure(8099, "v2")
	code, out, errOut = spiceRun(t, "apply", "-auto-approve", "-no-color")
	require.Equal(t, 1, code, "%s\n%s", out, errOut)
	assert.False(t, tainted())
	plan = mustRun(t, "plan", "-no-color")
	assert.Contains(t, plan, "  # spice_service.api will be updated in-place\n")
	assert.NotContains(t, plan, "must be replaced")
}
