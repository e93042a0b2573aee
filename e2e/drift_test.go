package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	junit "github.com/joshdk/go-junit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/report"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// driftSecret is a sensitive value of the drift configurations: no report
// may print it.
const driftSecret = "drift-secret-4f1c9a"

// driftConfig declares one host's share of the drift tests: a file, a
// directory, a kernel parameter, a service, a secret file and an hourly
// backup policy with an objective it meets once it has run and been
// drilled. Resource names end in suffix so that two hosts can share one
// configuration.
func driftConfig(h *testhosts.Host, alias, suffix string) string {
	return fmt.Sprintf(`
provider "spice" {
  alias            = %[1]q
  host             = %[2]q
  port             = %[3]d
  private_key_file = %[4]q
  known_hosts_file = %[5]q
  connect_timeout  = "3s"
}

resource "spice_file" "app%[6]s" {
  provider = spice.%[1]s
  path     = "/srv/app/app.yml"
  content  = "workers: 4\n"
}

resource "spice_file" "token%[6]s" {
  provider          = spice.%[1]s
  path              = "/srv/app/token"
  sensitive_content = var.token
}

resource "spice_directory" "data%[6]s" {
  provider = spice.%[1]s
  path     = "/srv/data"
  mode     = "0750"
}

resource "spice_sysctl" "somaxconn%[6]s" {
  provider = spice.%[1]s
  name     = "net.core.somaxconn"
  value    = "1024"
}

resource "spice_service" "sleeper%[6]s" {
  provider   = spice.%[1]s
  name       = "sleeper"
  exec_start = "/bin/sleep infinity"
}

resource "spice_backup_policy" "hourly%[6]s" {
  provider    = spice.%[1]s
  name        = "hourly"
  schedule    = "0 * * * *"
  destination = "/var/backups/spice/hourly"
  source {
    name     = "app"
    base_dir = "/srv/app"
    paths    = ["app.yml"]
  }
  depends_on = [spice_file.app%[6]s]
}

resource "spice_recovery_objective" "config%[6]s" {
  provider        = spice.%[1]s
  scenario        = "config-loss"
  priority        = "high"
  rto             = "4h"
  rpo             = "2h"
  backup_policies = [spice_backup_policy.hourly%[6]s.name]
}
`, alias, h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, suffix)
}

const driftVariables = `
variable "token" {
  type      = string
  sensitive = true
}
`

// backUpAndDrill makes the objective met on h: two backups, a copy of
// them dated three days back (what remains once the newest are deleted)
// and a restore drill.
func backUpAndDrill(t *testing.T, h *testhosts.Host) {
	t.Helper()
	h.Exec(t, "spice", "backup", "run", "-policy", "hourly")
	h.Exec(t, "spice", "backup", "run", "-policy", "hourly")
	old := time.Now().UTC().Add(-72 * time.Hour).Format("20060102T150405Z")
	h.Exec(t, "sh", "-c", fmt.Sprintf(`cd /var/backups/spice/hourly && first=$(ls | sort | head -n1) &&
cp -a "$first" %[1]s && sed -i "s/$first/%[1]s/g" %[1]s/metadata.json`, old))
	h.Exec(t, "spice", "drill", "config-loss")
}

// deleteNewestBackups leaves only the copy dated three days back.
func deleteNewestBackups(t *testing.T, h *testhosts.Host) {
	t.Helper()
	h.Exec(t, "sh", "-c", `cd /var/backups/spice/hourly && ls | sort | tail -n +2 | xargs rm -rf`)
}

type finding struct{ address, attribute string }

// findingsOf lists what a report found: every attribute of every resource
// that is not OK, and every breached objective.
func findingsOf(r report.Report) []finding {
	var out []finding
	for _, res := range r.Resources {
		if res.Status == report.OK {
			continue
		}
		if len(res.Findings) == 0 {
			out = append(out, finding{res.Address, string(res.Status)})
		}
		for _, f := range res.Findings {
			out = append(out, finding{res.Address, f.Attribute})
		}
	}
	for _, o := range r.Objectives {
		if o.Status != report.Met {
			out = append(out, finding{o.Address, string(o.Status)})
		}
	}
	return out
}

func driftReport(t *testing.T, spice *testsupport.Runner, wantCode int, args ...string) (report.Report, string) {
	t.Helper()
	out, code := spice.Output(append([]string{"drift", "-format=json"}, args...)...)
	require.Equal(t, wantCode, code, "drift exit code; stdout:\n%s", out)
	var r report.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	return r, out
}

// Five changes made behind spice's back, and drift reports exactly those
// five, in every format, and nothing once apply and a backup run repaired
// them.
func TestDriftFindsFiveOutOfBandChanges(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	t.Setenv("SPICE_AGENT_BINARY", filepath.Join(bin, "terraform-provider-spice"))
	t.Setenv("TF_VAR_token", driftSecret)
	h := testhosts.Start(t, 1)[0]
	work := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(driftConfig(h, "a", "")+driftVariables), 0o644))
	spice := testsupport.NewSpice(t, work, bin)
	spice.MustRun(0, "apply", "-auto-approve")
	// The test counts the backups it makes: a run the hourly timer starts on
	// the hour would add one. Masking the service for this boot keeps the
	// timer active and its unit files as spice wrote them.
	h.Exec(t, "systemctl", "mask", "--runtime", "spice-backup-hourly.service")
	backUpAndDrill(t, h)

	clean, _ := driftReport(t, spice, 0)
	assert.Empty(t, findingsOf(clean))
	require.Len(t, clean.Objectives, 1)
	assert.Equal(t, report.Met, clean.Objectives[0].Status, "%+v", clean.Objectives[0])
	require.Len(t, clean.Backups, 1)
	assert.Len(t, clean.Backups[0].Backups, 3, "two runs and the dated copy, newest first")
	assert.True(t, slices.IsSortedFunc(clean.Backups[0].Backups, func(a, b report.Backup) int { return b.Time.Compare(a.Time) }))

	h.Exec(t, "sh", "-c", "echo 'workers: 16' > /srv/app/app.yml")
	h.Exec(t, "chmod", "0777", "/srv/data")
	h.Exec(t, "sysctl", "-w", "net.core.somaxconn=4096")
	h.Exec(t, "systemctl", "stop", "sleeper.service")
	deleteNewestBackups(t, h)

	want := []finding{
		{"spice_directory.data", "mode"},
		{"spice_file.app", "content"},
		{"spice_recovery_objective.config", "breached"},
		{"spice_service.sleeper", "state"},
		{"spice_sysctl.somaxconn", "value"},
	}
	reports := t.TempDir()
	r, jsonOut := driftReport(t, spice, 2, "-report=json:"+filepath.Join(reports, "drift.json"))
	jsonFile, err := os.ReadFile(filepath.Join(reports, "drift.json"))
	require.NoError(t, err)
	assert.Equal(t, jsonOut, string(jsonFile), "-report=json:FILE holds what -format=json prints")
	assert.ElementsMatch(t, want, findingsOf(r))
	for _, res := range r.Resources {
		if res.Status != report.OK {
			assert.Equal(t, report.Drifted, res.Status, res.Address)
		}
	}
	byAttr := map[string]report.Finding{}
	for _, res := range r.Resources {
		for _, f := range res.Findings {
			byAttr[res.Address+" "+f.Attribute] = f
		}
	}
	assert.Equal(t, report.Finding{Attribute: "mode", Declared: `"0750"`, Actual: `"0777"`}, byAttr["spice_directory.data mode"])
	assert.Equal(t, report.Finding{Attribute: "value", Declared: `"1024"`, Actual: `"4096"`}, byAttr["spice_sysctl.somaxconn value"])
	assert.Equal(t, report.Finding{Attribute: "state", Declared: `"running"`, Actual: `"stopped"`}, byAttr["spice_service.sleeper state"])
	assert.Equal(t, report.Finding{Attribute: "content", Declared: `"workers: 4\n"`, Actual: `"workers: 16\n"`}, byAttr["spice_file.app content"])
	o := r.Objectives[0]
	assert.Equal(t, "2h", o.RPO)
	assert.Regexp(t, `^7[12]h`, o.ObservedRPO, "the dated copy is the newest left")
	assert.NotEmpty(t, o.Findings)
	assert.Len(t, r.Backups[0].Backups, 1)

	text, code := spice.Output("drift", "-report=markdown:"+filepath.Join(reports, "drift.md"), "-report=text:"+filepath.Join(reports, "drift.txt"),
		"-report=junit:"+filepath.Join(reports, "drift.xml"), "-report=html:"+filepath.Join(reports, "drift.html"))
	assert.Equal(t, 2, code, text)
	markdown, err := os.ReadFile(filepath.Join(reports, "drift.md"))
	require.NoError(t, err)
	textFile, err := os.ReadFile(filepath.Join(reports, "drift.txt"))
	require.NoError(t, err)
	assert.Equal(t, text, string(textFile), "-report=text:FILE holds what stdout shows")
	// Text: one line per finding, four attributes and one objective.
	assert.Len(t, regexp.MustCompile(`(?m)^      \S+: declared `).FindAllString(text, -1), 4, text)
	assert.Len(t, regexp.MustCompile(`(?m)^  ! `).FindAllString(text, -1), 1, text)
	assert.Contains(t, text, "Drift: 4 drifted, 1 objective breached")
	// Markdown: a table row per drifted resource naming its attribute,
	// the objective's row breached.
	for _, f := range slices.Concat(want[:2], want[3:]) {
		assert.Contains(t, string(markdown), fmt.Sprintf("| <code>%s</code> | spice.a | drifted (update) | <code>%s</code> |", f.address, f.attribute))
	}
	assert.Contains(t, string(markdown), "| config-loss | spice.a | high | 4h |")
	assert.Equal(t, 1, strings.Count(string(markdown), "**breached**"))
	// JUnit, as a JUnit parser reads it: the five are the only failures.
	junitOut, err := os.ReadFile(filepath.Join(reports, "drift.xml"))
	require.NoError(t, err)
	suites, err := junit.Ingest(junitOut)
	require.NoError(t, err)
	var failed []string
	for _, s := range suites {
		for _, c := range s.Tests {
			if c.Status == junit.StatusFailed || c.Status == junit.StatusError {
				failed = append(failed, c.Name)
			}
		}
	}
	failing := []string{"spice_directory.data", "spice_file.app", "config-loss", "spice_service.sleeper", "spice_sysctl.somaxconn"}
	assert.ElementsMatch(t, failing, failed)
	// HTML: every drifted resource and the breached objective named.
	html, err := os.ReadFile(filepath.Join(reports, "drift.html"))
	require.NoError(t, err)
	for _, name := range failing {
		assert.Contains(t, string(html), name, "drift.html")
	}
	for name, out := range map[string]string{"json": jsonOut, "text": text, "markdown": string(markdown), "junit": string(junitOut), "html": string(html)} {
		assert.NotContains(t, out, driftSecret, name)
	}

	spice.MustRun(0, "apply", "-auto-approve")
	h.Exec(t, "spice", "backup", "run", "-policy", "hourly")
	after, _ := driftReport(t, spice, 0)
	assert.Empty(t, findingsOf(after))
	text, code = spice.Output("drift")
	assert.Equal(t, 0, code)
	assert.Contains(t, text, "No drift:")
}

// One host of two stops answering SSH: drift exits 1 naming it, and the
// other host's findings are still reported.
func TestDriftWithAnUnreachableHost(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	t.Setenv("SPICE_AGENT_BINARY", filepath.Join(bin, "terraform-provider-spice"))
	t.Setenv("TF_VAR_token", driftSecret)
	hosts := testhosts.Start(t, 2)
	work := t.TempDir()
	cfg := driftConfig(hosts[0], "a", "_a") + driftConfig(hosts[1], "b", "_b") + driftVariables
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644))
	spice := testsupport.NewSpice(t, work, bin)
	spice.MustRun(0, "apply", "-auto-approve")

	hosts[0].Exec(t, "chmod", "0777", "/srv/data")
	hosts[1].Exec(t, "systemctl", "stop", "ssh.socket", "ssh.service")

	r, out := driftReport(t, spice, 1)
	require.Len(t, r.Hosts, 2, out)
	assert.True(t, r.Hosts[0].Reachable, "%+v", r.Hosts[0])
	assert.Equal(t, "spice.b", r.Hosts[1].Name)
	assert.False(t, r.Hosts[1].Reachable)
	assert.Equal(t, fmt.Sprintf("root@%s:%d", hosts[1].Address, hosts[1].Port), r.Hosts[1].Address)
	assert.Contains(t, r.Hosts[1].Error, "Cannot connect to host")
	status := map[string]report.Status{}
	for _, res := range r.Resources {
		status[res.Address] = res.Status
	}
	assert.Equal(t, report.Drifted, status["spice_directory.data_a"])
	assert.Equal(t, report.OK, status["spice_file.app_a"])
	for _, name := range []string{"spice_file.app_b", "spice_directory.data_b", "spice_service.sleeper_b", "spice_recovery_objective.config_b"} {
		assert.Equal(t, report.Unreachable, status[name], name)
	}
	assert.Len(t, r.Objectives, 2, "the unreachable host's objective is reported, unknown")
	assert.NotContains(t, out, driftSecret)

	text, code := spice.Output("drift", "-format=markdown")
	assert.Equal(t, 1, code)
	assert.Contains(t, text, "| spice.b | root@")
	assert.Contains(t, text, "| <code>spice_directory.data_a</code> | spice.a | drifted (update) | <code>mode</code> |")
}
