package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// backupConfig: the manual's daily backup (config tree and a database
// bundle) and an hourly one, with objectives against each.
func backupConfig(provider, dbCommand string) string {
	return provider + fmt.Sprintf(`
resource "spice_backup_policy" "daily" {
  name        = "daily"
  schedule    = "*-*-* 02:00:00"
  destination = "/var/backups/spice/daily"
  retention {
    days = 7
  }
  source {
    name     = "config"
    base_dir = "/srv/app"
    paths    = ["config", ".env"]
  }
  source {
    name    = "db"
    command = %s
  }
}

resource "spice_backup_policy" "hourly" {
  name              = "hourly"
  schedule          = "0 * * * *"
  destination       = "/var/backups/spice/hourly"
  metrics_file      = "/var/lib/node_exporter/spice_backup_hourly.prom"
  compression       = "gzip"
  compression_level = 9
  source {
    name     = "config"
    base_dir = "/srv/app"
    paths    = ["config"]
  }
}

resource "spice_recovery_objective" "daily_db" {
  scenario        = "database-corruption"
  rto             = "30m"
  rpo             = "1h"
  backup_policies = [spice_backup_policy.daily.name]
}

resource "spice_recovery_objective" "hourly_db" {
  scenario        = "database-corruption-hourly"
  rto             = "30m"
  rpo             = "1h"
  backup_policies = [spice_backup_policy.hourly.name]
  verify_command  = ["test", "-s", "hourly/config/app.yml"]
}
`, dbCommand)
}

func TestAccBackupPolicy_container(t *testing.T) {
	h := startContainers(t, 1)[0]
	t.Setenv("SPICE_AGENT_BINARY", filepath.Join(testsupport.BuildBinary(t), "terraform-provider-spice"))
	h.Exec(t, "mkdir", "-p", "/srv/app/config")
	h.Exec(t, "sh", "-c", "echo 'port: 8000' > /srv/app/config/app.yml && echo SECRET=x > /srv/app/.env")
	provider := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "")
	goodDB := `["sh", "-c", "echo bundle-data"]`
	cfg := backupConfig(provider, goodDB)
	listJSON := func(policy string) []map[string]any {
		var backups []map[string]any
		out := h.Exec(t, "spice", "backup", "list", "-json", "-policy", policy)
		if err := json.Unmarshal([]byte(out), &backups); err != nil {
			t.Fatalf("backup list -json: %v\n%s", err, out)
		}
		return backups
	}
	var firstID string
	daily, hourlyDB, dailyDB := "spice_backup_policy.daily", "spice_recovery_objective.hourly_db", "spice_recovery_objective.daily_db"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			for _, f := range []string{"/etc/systemd/system/spice-backup-daily.timer", "/etc/systemd/system/spice-backup-daily.service", "/etc/spice/backup/daily.json", "/etc/spice/objectives/database-corruption.json"} {
				if h.Command("test", "-e", f).Run() == nil {
					return fmt.Errorf("%s is still on the host", f)
				}
			}
			// Backups are data: they outlive the policy.
			if h.Command("test", "-e", "/var/backups/spice/daily/"+firstID+"/metadata.json").Run() != nil {
				return fmt.Errorf("destroy removed backup %s", firstID)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// A level the compression does not have fails the plan,
				// naming the attribute.
				Config:      strings.Replace(cfg, "compression_level = 9", "compression_level = 10", 1),
				ExpectError: regexp.MustCompile(`compression_level: 10 is out of range for gzip \(1-9\)`),
			},
			{
				// The timers are installed and active; the daily schedule
				// cannot meet a 1h RPO, and the plan says why.
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						if out := h.Exec(t, "systemctl", "list-timers", "--all", "--no-pager"); !strings.Contains(out, "spice-backup-daily.timer") || !strings.Contains(out, "spice-backup-hourly.timer") {
							return fmt.Errorf("systemctl list-timers:\n%s", out)
						}
						if out := h.Exec(t, "systemctl", "cat", "spice-backup-daily.timer"); !strings.Contains(out, "OnCalendar=*-*-* 02:00:00 UTC\nPersistent=true") {
							return fmt.Errorf("timer unit:\n%s", out)
						}
						h.Exec(t, "systemctl", "is-active", "spice-backup-daily.timer")
						h.Exec(t, "systemctl", "is-enabled", "spice-backup-hourly.timer")
						return nil
					},
					resource.TestCheckResourceAttr(daily, "backup_count", "0"),
					resource.TestCheckResourceAttr(daily, "compression", "zstd"),
					resource.TestCheckNoResourceAttr(daily, "compression_level"),
					resource.TestCheckResourceAttr(dailyDB, "status", "breached"),
					resource.TestCheckResourceAttr(dailyDB, "achievable_rpo", "24h0m0s"),
					resource.TestMatchResourceAttr(dailyDB, "findings.0", regexp.MustCompile(`^policy daily: schedule "\*-\*-\* 02:00:00" leaves gaps of 24h0m0s; rpo is 1h0m0s$`)),
					resource.TestCheckResourceAttr(hourlyDB, "status", "unknown"),
				),
			},
			{
				// A run through systemd and the uploaded agent makes a
				// verified backup that refresh and the objectives see.
				PreConfig: func() {
					h.Exec(t, "systemctl", "start", "spice-backup-daily.service", "spice-backup-hourly.service")
					backups := listJSON("daily")
					if len(backups) != 1 || backups[0]["status"] != "complete" {
						t.Fatalf("backups after a run: %v", backups)
					}
					id, ok := backups[0]["id"].(string)
					if !ok {
						t.Fatalf("backup id %v is not a string", backups[0]["id"])
					}
					firstID = id
					h.Exec(t, "spice", "backup", "verify", "-policy", "daily", firstID)
					if out := h.Exec(t, "cat", "/var/lib/node_exporter/spice_backup_hourly.prom"); !strings.Contains(out, `spice_backup_last_run_success{policy="hourly"} 1`) {
						t.Fatalf("metrics file:\n%s", out)
					}
					h.Exec(t, "spice", "drill", "database-corruption-hourly")
				},
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(daily, "backup_count", "1"),
					resource.TestCheckResourceAttrPtr(daily, "last_backup_id", &firstID),
					resource.TestCheckResourceAttrSet(daily, "last_success_at"),
					resource.TestCheckResourceAttr(hourlyDB, "status", "met"),
					resource.TestCheckResourceAttrSet(hourlyDB, "achievable_rto"),
					resource.TestCheckResourceAttr(hourlyDB, "observed_rpo", "0s"),
				),
			},
			{
				// A byte flipped in an archive: verify fails, restore
				// refuses and changes nothing.
				PreConfig: func() {
					archive := "/var/backups/spice/daily/" + firstID + "/config.tar.zst"
					h.Exec(t, "sh", "-c", "printf 'X' | dd of="+archive+" bs=1 seek=100 conv=notrunc status=none")
					if out, err := h.Command("spice", "backup", "verify", "-policy", "daily", firstID).CombinedOutput(); err == nil || !strings.Contains(string(out), "corrupt") {
						t.Fatalf("verify of a corrupt backup: %v\n%s", err, out)
					}
					h.Exec(t, "sh", "-c", "echo 'port: 9999' > /srv/app/config/app.yml")
					if out, err := h.Command("spice", "backup", "restore", "-policy", "daily", "-source", "config", firstID).CombinedOutput(); err == nil {
						t.Fatalf("restore of a corrupt backup succeeded:\n%s", out)
					}
					if got := h.Exec(t, "cat", "/srv/app/config/app.yml"); got != "port: 9999\n" {
						t.Fatalf("a refused restore changed the file: %q", got)
					}
				},
				Config: cfg,
			},
			{
				// A stopped timer is drift, repaired by apply.
				PreConfig: func() { h.Exec(t, "systemctl", "stop", "spice-backup-daily.timer") },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(daily, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					h.Exec(t, "systemctl", "is-active", "spice-backup-daily.timer")
					return nil
				},
			},
			{
				// A failing source leaves a failed backup that is never
				// counted.
				Config: backupConfig(provider, `["sh", "-c", "echo dump failed >&2; exit 3"]`),
				Check: func(*terraform.State) error {
					if err := h.Command("systemctl", "start", "spice-backup-daily.service").Run(); err == nil {
						return fmt.Errorf("a backup with a failing source succeeded")
					}
					backups := listJSON("daily")
					if len(backups) != 2 || backups[1]["status"] != "failed" || !strings.Contains(fmt.Sprint(backups[1]["reason"]), "dump failed") {
						return fmt.Errorf("backups: %v", backups)
					}
					return nil
				},
			},
			{
				Config: backupConfig(provider, `["sh", "-c", "echo dump failed >&2; exit 3"]`),
				Check:  resource.TestCheckResourceAttrPtr(daily, "last_backup_id", &firstID),
			},
			{
				ResourceName:            daily,
				ImportState:             true,
				ImportStateId:           "daily",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"last_duration"},
			},
		},
	})
}

// offsiteConfig: a policy every 4 hours pushed off site, one kept only on
// the host, and a data-center-failure objective against each. The far
// side is the container's own sshd on its loopback (a second container
// is not reachable: each has a private network); it is a real sshd and
// SFTP server all the same.
func offsiteConfig(provider string, h *testhosts.Host, hostKey string) string {
	return provider + fmt.Sprintf(`
resource "spice_backup_policy" "dc" {
  name        = "dc"
  schedule    = "*-*-* 00/4:00:00"
  destination = "/var/backups/spice/dc"
  source {
    name     = "config"
    base_dir = "/srv/app"
    paths    = ["config"]
  }
  offsite {
    name        = "dc2"
    host        = "127.0.0.1"
    port        = 22
    user        = "root"
    private_key = file(%q)
    host_key    = %q
    path        = "/srv/offsite/dc"
    retention {
      days     = 30
      min_keep = 7
    }
  }
}

resource "spice_backup_policy" "local" {
  name        = "local"
  schedule    = "hourly"
  destination = "/var/backups/spice/local"
  source {
    name     = "config"
    base_dir = "/srv/app"
    paths    = ["config"]
  }
}

resource "spice_recovery_objective" "dc" {
  scenario        = "data-center-failure"
  rto             = "4h"
  rpo             = "4h"
  offsite         = true
  backup_policies = [spice_backup_policy.dc.name]
}

resource "spice_recovery_objective" "local" {
  scenario        = "data-center-failure-local"
  rto             = "4h"
  rpo             = "4h"
  offsite         = true
  backup_policies = [spice_backup_policy.local.name]
}
`, h.PrivateKeyFile, hostKey)
}

func TestAccBackupPolicy_offsite(t *testing.T) {
	h := startContainers(t, 1)[0]
	t.Setenv("SPICE_AGENT_BINARY", filepath.Join(testsupport.BuildBinary(t), "terraform-provider-spice"))
	h.Exec(t, "mkdir", "-p", "/srv/app/config")
	h.Exec(t, "sh", "-c", "echo 'port: 8000' > /srv/app/config/app.yml")
	provider := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "")
	cfg := offsiteConfig(provider, h, h.HostKey)
	key, err := os.ReadFile(h.PrivateKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	dc, local, policy := "spice_recovery_objective.dc", "spice_recovery_objective.local", "spice_backup_policy.dc"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if h.Command("test", "-e", "/etc/spice/backup/dc.offsite").Run() == nil {
				return fmt.Errorf("destroy left the off-site keys")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// A host key that does not parse fails the plan, naming
				// the attribute.
				Config:      offsiteConfig(provider, h, "ssh-ed25519 not-a-key"),
				ExpectError: regexp.MustCompile(`offsite\[0\]\.host_key: is not a public key`),
			},
			{
				// The key is installed 0600, apart from the policy file;
				// nothing is pushed yet, and local copies do not count.
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						file := "/etc/spice/backup/dc.offsite/dc2.key"
						if got := h.Exec(t, "stat", "-c", "%a %U", file); got != "600 root\n" {
							return fmt.Errorf("%s: mode and owner %q", file, got)
						}
						if got := h.Exec(t, "cat", file); got != string(key) {
							return fmt.Errorf("%s does not hold the key", file)
						}
						if got := h.Exec(t, "cat", "/etc/spice/backup/dc.json"); strings.Contains(got, "PRIVATE KEY") || !strings.Contains(got, `"private_key_file": "`+file+`"`) {
							return fmt.Errorf("policy file:\n%s", got)
						}
						return nil
					},
					resource.TestCheckResourceAttr(dc, "status", "unknown"),
					resource.TestCheckResourceAttr(dc, "achievable_rpo", "4h0m0s"),
					resource.TestMatchResourceAttr(dc, "findings.0", regexp.MustCompile(`^policy dc has no verified off-site copy yet$`)),
					resource.TestCheckResourceAttr(local, "status", "breached"),
					resource.TestCheckNoResourceAttr(local, "achievable_rpo"),
					resource.TestCheckResourceAttr(local, "findings.0", "policy local has no offsite block: its backups stay on the host that data-center-failure-local loses; rpo is 4h0m0s"),
				),
			},
			{
				// A run through systemd pushes and verifies the copy; the
				// drill restores from it; the objective is met on it. The
				// empty plan after apply shows that refresh reads the
				// installed key back as it was declared.
				PreConfig: func() {
					h.Exec(t, "systemctl", "start", "spice-backup-dc.service", "spice-backup-local.service")
					out := h.Exec(t, "spice", "backup", "list", "-policy", "dc", "-offsite", "dc2")
					if !strings.Contains(out, "complete") {
						t.Fatalf("backup list -offsite dc2:\n%s", out)
					}
					h.Exec(t, "spice", "drill", "data-center-failure")
				},
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(dc, "status", "met"),
					resource.TestCheckResourceAttr(dc, "observed_rpo", "0s"),
					resource.TestMatchResourceAttr(dc, "achievable_rpo", regexp.MustCompile(`^4h0m\d+s$`)),
					resource.TestCheckResourceAttrSet(dc, "achievable_rto"),
					resource.TestCheckResourceAttr(local, "status", "breached"),
					resource.TestCheckResourceAttr(policy, "backup_count", "1"),
				),
			},
		},
	})
}
