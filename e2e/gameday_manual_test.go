package e2e

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manualScenarios are the example's four rows of the manual's table, each
// with the drill it needs: a service crash restores no data (its
// achievable RTO is the services' measured restart-to-healthy time), the
// other three restore the hourly policy's newest backup (the data-center
// failure from its off-site copy).
var manualScenarios = []struct {
	scenario string
	drill    bool
}{
	{"service-crash", false},
	{"database-corruption", true},
	{"complete-system-failure", true},
	{"data-center-failure", true},
}

// The game day on the manual's example itself: a bare container converged
// by the example (as TestManualBareHost does) with var.offsite naming an
// off-site sshd; a backup of each of its policies taken on the host, the
// hourly one pushed off site; the drill of every scenario that restores
// data; one kill -9 of OMS, measured until its health endpoint answers 200
// again. After the next apply every objective of the example is met, and
// `spice drift` agrees. The TerminusDB contract fake has no bundle verb, so
// the backups' terminusdb source prints a bundle-shaped stream
// (bundleLike), which the example's bundle check accepts.
func TestGameDayManualExample(t *testing.T) {
	g := startGameDay(t)
	h := g.host()
	prepareManualExample(t, h, buildTerminusDBFake(t), g.work, fmt.Sprintf(`offsite = {
  host             = "127.0.0.1"
  port             = 2222
  user             = %q
  private_key_file = %q
  host_key         = %q
  path             = %q
}
terminusdb_bundle_command = ["sh", "-c", %q]
`, g.far.User, g.far.PrivateKeyFile, g.far.HostKey, g.farPath, bundleLike))
	g.spice.MustRun(0, "apply", "-auto-approve", "-input=false")

	for _, policy := range []string{"daily", "hourly"} {
		h.Exec(t, "spice", "backup", "run", "-policy", policy)
	}
	backupTime(t, h.Exec(t, "spice", "backup", "list", "-json", "-policy", "hourly", "-offsite", "offsite"))
	for _, s := range manualScenarios {
		if s.drill {
			h.Exec(t, "spice", "drill", s.scenario)
		}
	}
	recovered := killAndTimeRecovery(t, h, "spice-harvester-oms.service", manualEndpoints["OMS"])
	assert.LessOrEqual(t, recovered, 5*time.Minute)

	// The apply reads the drills, the backups and the services' measured
	// restarts into the objectives; drift judges them again.
	g.spice.MustRun(0, "apply", "-auto-approve", "-input=false")
	objectives := manualObjectives(t, g.spice.Stdout("show", "-json"))
	for _, s := range manualScenarios {
		o, ok := objectives[s.scenario]
		if !assert.True(t, ok, "the example declares %s", s.scenario) {
			continue
		}
		measured := fmt.Sprintf("%v: achievable_rto %v, achievable_rpo %v, observed_rpo %v", o["status"], o["achievable_rto"], o["achievable_rpo"], o["observed_rpo"])
		if s.scenario == "service-crash" {
			measured += fmt.Sprintf("; OMS kill -9 to healthy %s", recovered.Round(time.Millisecond))
		}
		logRow(t, "the manual example: "+s.scenario, fmt.Sprintf("RTO %v, RPO %v", o["rto"], o["rpo"]), measured)
		assert.Equal(t, "met", o["status"], "%s findings: %v", s.scenario, o["findings"])
	}
	g.spice.MustRun(0, "drift", "-input=false")
}

// manualObjectives are the example's spice_recovery_objective.manual
// instances in `spice show -json`, by scenario.
func manualObjectives(t *testing.T, shown string) map[string]map[string]any {
	t.Helper()
	var st tfjson.State
	require.NoError(t, json.Unmarshal([]byte(shown), &st))
	require.NotNil(t, st.Values, shown)
	objectives := map[string]map[string]any{}
	for _, r := range st.Values.RootModule.Resources {
		if r.Address == fmt.Sprintf("spice_recovery_objective.manual[%q]", r.Index) {
			objectives[fmt.Sprint(r.Index)] = r.AttributeValues
		}
	}
	return objectives
}
