package watch

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/report"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// What a check of a host with a service, a backup policy and a breached
// objective exports, and the example's alert rules: valid for promtool,
// and every metric they name is one watch exports.
func TestMetricsOfAHostAndTheAlertRules(t *testing.T) {
	m := newMetrics()
	lastBackup := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	now := lastBackup.Add(26 * time.Hour)
	r := &report.Report{
		Hosts: []report.Host{{Name: "spice.db", Address: "root@db:22", Reachable: true}},
		Resources: []report.Resource{
			{Address: "spice_service.oms", Host: "spice.db", Status: report.OK},
			{Address: "spice_backup_policy.daily", Host: "spice.db", Status: report.OK},
			{Address: "spice_file.conf", Host: "spice.db", Status: report.Drifted},
		},
		Objectives: []report.Objective{{Address: "spice_recovery_objective.db", Host: "spice.db", Scenario: "db_loss",
			RTO: "1h0m0s", RPO: "24h0m0s", AchievableRPO: "24h2m0s", ObservedRPO: "26h0m0s", Status: report.Breached}},
	}
	values := map[string]cty.Value{
		"spice_service.oms":         cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("oms"), "healthy": cty.False}),
		"spice_backup_policy.daily": cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("daily"), "last_success_at": cty.StringVal(lastBackup.Format(time.RFC3339))}),
	}
	m.setHost(r.Hosts[0], r, values, now)
	m.setObjects(map[string]*object{"spice_file.conf": {typ: "spice_file", host: "spice.db", drifted: true}})

	families, err := m.registry.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			key := f.GetName()
			for _, l := range metric.GetLabel() {
				key += " " + l.GetName() + "=" + l.GetValue()
			}
			got[key] = metric.GetGauge().GetValue()
		}
	}
	for key, want := range map[string]float64{
		"spice_watch_host_reachable host=spice.db":                                       1,
		"spice_watch_service_healthy host=spice.db service=oms":                          0,
		"spice_watch_backup_last_success_timestamp_seconds host=spice.db policy=daily":   float64(lastBackup.Unix()),
		"spice_watch_backup_age_seconds host=spice.db policy=daily":                      26 * 3600,
		"spice_watch_objective_status host=spice.db scenario=db_loss status=breached":    1,
		"spice_watch_objective_status host=spice.db scenario=db_loss status=met":         0,
		"spice_watch_objective_rpo_seconds host=spice.db kind=observed scenario=db_loss": 26 * 3600,
		"spice_watch_objective_rpo_seconds host=spice.db kind=declared scenario=db_loss": 24 * 3600,
		"spice_watch_objective_rto_seconds host=spice.db kind=declared scenario=db_loss": 3600,
		"spice_watch_objects_drifted host=spice.db type=spice_file":                      1,
	} {
		v, ok := got[key]
		assert.True(t, ok, "%s is exported", key)
		assert.Equal(t, want, v, key)
	}
	_, unknown := got["spice_watch_objective_rto_seconds host=spice.db kind=achievable scenario=db_loss"]
	assert.False(t, unknown, "an RTO not measured yet is left out, not reported as zero")

	rules := filepath.Join(testsupport.RepoDir(t), "examples", "watch", "alerts.yml")
	b, err := os.ReadFile(rules)
	require.NoError(t, err)
	testsupport.Promtool(t, nil, "check", "rules", rules)
	exported := map[string]bool{}
	for _, f := range families {
		exported[f.GetName()] = true
	}
	names := regexp.MustCompile(`spice_watch_[a-z_]+`).FindAllString(string(b), -1)
	require.NotEmpty(t, names)
	for _, name := range names {
		assert.True(t, exported[name], "alerts.yml names %s, which watch does not export", name)
	}
}
