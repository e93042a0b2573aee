package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// twinResources declares, on the host of provider alias NAME, what the
// twins' test compares: a file owned by a user whose uid differs between
// the hosts, a limit in the shared limits.d file, a service, and a backup
// policy and an objective of the same names on both hosts but with other
// schedules.
func twinResources(name, schedule, limit, sleep string) string {
	return fmt.Sprintf(`
resource "spice_host" "%[1]s" {
  provider = spice.%[1]s
}
resource "spice_file" "%[1]s" {
  provider = spice.%[1]s
  path     = "/srv/twin/owned"
  owner    = "twin"
  content  = "%[1]s\n"
}
resource "spice_limits" "%[1]s" {
  provider = spice.%[1]s
  domain   = "twin"
  type     = "soft"
  item     = "nofile"
  value    = "%[3]s"
}
resource "spice_service" "%[1]s" {
  provider   = spice.%[1]s
  name       = "spice-twin"
  exec_start = "/bin/sleep %[4]s"
}
resource "spice_backup_policy" "%[1]s" {
  provider    = spice.%[1]s
  name        = "twin"
  schedule    = "%[2]s"
  destination = "/var/backups/twin"
  source {
    name     = "srv"
    base_dir = "/srv"
    paths    = ["twin"]
  }
}
resource "spice_recovery_objective" "%[1]s" {
  provider        = spice.%[1]s
  scenario        = "twin"
  rto             = "1h"
  rpo             = "2h"
  backup_policies = [spice_backup_policy.%[1]s.name]
  enforcement     = "warn"
}
`, name, schedule, limit, sleep)
}

// Two provider configurations in one process, for two hosts with the same
// hostname, share nothing: each resolves owners from its own host's
// accounts, edits its own host's limits file, reloads its own host's
// systemd, and judges its objective on its own policy's schedule.
//
// The spice CLI runs the configuration: it serves every provider
// configuration from its own provider server in one process. (The test
// framework of the other acceptance tests serves all aliases from one
// provider server, whose last configuration wins for every alias;
// Terraform itself starts one provider process per configuration.)
func TestAccProvider_twoHostsOfOneHostname(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	bin := testsupport.BuildBinary(t)
	hosts := startContainers(t, 2)
	t.Setenv("SPICE_AGENT_BINARY", filepath.Join(bin, "terraform-provider-spice"))
	cfg := ""
	for i, h := range hosts {
		h.Exec(t, "hostname", "spice-twin")
		h.Exec(t, "sh", "-c", fmt.Sprintf("echo 'twin:x:%d:%d::/:/bin/false' >> /etc/passwd && echo 'twin:x:%d:' >> /etc/group", 1501+i, 1501+i, 1501+i))
		alias := string(rune('a' + i))
		cfg += strings.Replace(sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, ""), "{\n", "{\n  alias = \""+alias+"\"\n", 1)
	}
	cfg += twinResources("a", "hourly", "1001", "100001") + twinResources("b", "daily", "1002", "100002")
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	spice := testsupport.NewSpice(t, work, bin)
	spice.MustRun(0, "apply", "-auto-approve", "-input=false")

	attrs := stateAttributes(t, work)
	for i, h := range hosts {
		alias := string(rune('a' + i))
		if id := attrs["spice_host."+alias]["id"]; id != "spice-twin" {
			t.Errorf("%s: spice_host id %v, want the hostname both hosts share", h.Name, id)
		}
		if got, want := strings.TrimSpace(h.Exec(t, "stat", "-c", "%u", "/srv/twin/owned")), fmt.Sprint(1501+i); got != want {
			t.Errorf("%s: the file is owned by uid %s, want twin's uid there, %s", h.Name, got, want)
		}
		if got, want := h.Exec(t, "cat", "/etc/security/limits.d/60-spice.conf"), fmt.Sprintf("twin\tsoft\tnofile\t%d\n", 1001+i); got != want {
			t.Errorf("%s: limits file %q, want %q", h.Name, got, want)
		}
		show := h.Exec(t, "systemctl", "show", "-p", "ActiveState,NeedDaemonReload,ExecStart", "spice-twin.service")
		if !strings.Contains(show, "ActiveState=active") || !strings.Contains(show, "NeedDaemonReload=no") ||
			!strings.Contains(show, fmt.Sprintf("/bin/sleep %d ", 100001+i)) {
			t.Errorf("%s: spice-twin.service:\n%s", h.Name, show)
		}
		// The hourly policy keeps a 2h RPO, the daily one cannot: each
		// objective is judged on its own host's policy.
		findings := fmt.Sprint(attrs["spice_recovery_objective."+alias]["findings"])
		if gap := strings.Contains(findings, "leaves gaps"); gap != (alias == "b") {
			t.Errorf("%s: objective findings %s", h.Name, findings)
		}
	}
	spice.MustRun(0, "plan", "-detailed-exitcode", "-input=false")
	spice.MustRun(0, "destroy", "-auto-approve", "-input=false")
}

// stateAttributes reads the attributes of every resource instance in the
// state file, by address.
func stateAttributes(t *testing.T, work string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, r := range st.Resources {
		for _, in := range r.Instances {
			out[r.Type+"."+r.Name] = in.Attributes
		}
	}
	return out
}
