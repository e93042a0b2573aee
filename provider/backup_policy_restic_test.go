package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// resticConfig: a policy "vault" on an sftp restic repository (the
// container's own sshd plays the far side: containers have private
// networks) and a policy "near" on a local one, each covered by a
// data-center-failure objective. engine and password vary per step.
func resticConfig(provider, vaultEngine, vaultPassword string) string {
	password := ""
	if vaultPassword != "" {
		password = fmt.Sprintf("  password   = %q\n", vaultPassword)
	}
	return provider + fmt.Sprintf(`
resource "spice_backup_policy" "vault" {
  name        = "vault"
  schedule    = "*-*-* 00/4:00:00"
  destination = "/var/lib/spice/vault"
  engine      = %q
  repository  = "sftp:root@127.0.0.1:/srv/restic/vault"
%s  retention {
    days = 7
  }
  source {
    name     = "config"
    base_dir = "/srv/app"
    paths    = ["config"]
  }
  source {
    name    = "db"
    command = ["cat", "/srv/app/db.dump"]
  }
}

resource "spice_backup_policy" "near" {
  name        = "near"
  schedule    = "hourly"
  destination = "/var/lib/spice/near"
  engine      = "restic"
  repository  = "/var/backups/restic/near"
  password    = "near-repository-passphrase"
  source {
    name     = "config"
    base_dir = "/srv/app"
    paths    = ["config"]
  }
}

resource "spice_recovery_objective" "vault" {
  scenario        = "data-center-failure"
  rto             = "4h"
  rpo             = "4h"
  offsite         = true
  backup_policies = [spice_backup_policy.vault.name]
}

resource "spice_recovery_objective" "near" {
  scenario        = "data-center-failure-near"
  rto             = "4h"
  rpo             = "4h"
  offsite         = true
  backup_policies = [spice_backup_policy.near.name]
}
`, vaultEngine, password)
}

// TestAccBackupPolicy_restic: plan-time errors name password; the password
// is installed 0600 and nowhere else; systemd runs back up into both
// repositories with the real restic; the drill restores from the sftp
// repository, which counts as off site (met) while the local one does not
// (breached); refresh reads the password back (empty plan).
func TestAccBackupPolicy_restic(t *testing.T) {
	h := startContainers(t, 1)[0]
	t.Setenv("SPICE_AGENT_BINARY", filepath.Join(testsupport.BuildBinary(t), "terraform-provider-spice"))
	h.Exec(t, "mkdir", "-p", "/srv/app/config")
	h.Exec(t, "sh", "-c", "echo 'port: 8000' > /srv/app/config/app.yml && head -c 100000 /dev/urandom > /srv/app/db.dump")
	resticSSHClient(t, h)
	provider := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "")
	const password = "vault-repository-passphrase"
	cfg := resticConfig(provider, "restic", password)
	vault, near := "spice_recovery_objective.vault", "spice_recovery_objective.near"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if h.Command("test", "-e", "/etc/spice/backup/vault.restic-password").Run() == nil {
				return fmt.Errorf("destroy left the restic password")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      resticConfig(provider, "restic", ""),
				ExpectError: regexp.MustCompile(`password: is required with engine = "restic"`),
			},
			{
				Config:      resticConfig(provider, "native", password),
				ExpectError: regexp.MustCompile(`repository: is only used with engine = "restic"`),
			},
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						file := "/etc/spice/backup/vault.restic-password"
						if got := h.Exec(t, "stat", "-c", "%a %U", file); got != "600 root\n" {
							return fmt.Errorf("%s: mode and owner %q", file, got)
						}
						if got := h.Exec(t, "cat", file); got != password {
							return fmt.Errorf("%s does not hold the password", file)
						}
						if got := h.Exec(t, "cat", "/etc/spice/backup/vault.json"); strings.Contains(got, password) || !strings.Contains(got, `"password_file": "`+file+`"`) {
							return fmt.Errorf("policy file:\n%s", got)
						}
						return nil
					},
					resource.TestCheckResourceAttr(vault, "status", "unknown"),
					resource.TestCheckResourceAttr(near, "status", "breached"),
				),
			},
			{
				PreConfig: func() {
					h.Exec(t, "systemctl", "start", "spice-backup-vault.service", "spice-backup-near.service")
					for _, policy := range []string{"vault", "near"} {
						if out := h.Exec(t, "spice", "backup", "list", "-policy", policy); !strings.Contains(out, "complete") {
							t.Fatalf("backup list -policy %s:\n%s", policy, out)
						}
					}
					h.Exec(t, "spice", "drill", "data-center-failure")
					journal := h.Exec(t, "journalctl", "-u", "spice-backup-vault.service", "-u", "spice-backup-near.service", "--no-pager")
					if strings.Contains(journal, password) || strings.Contains(journal, "near-repository-passphrase") {
						t.Fatalf("the journal shows a password:\n%s", journal)
					}
				},
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(vault, "status", "met"),
					// The backup's age, in whole minutes: how long this
					// step took under load decides which.
					resource.TestMatchResourceAttr(vault, "observed_rpo", regexp.MustCompile(`^(0s|\d+m0s)$`)),
					resource.TestCheckResourceAttrSet(vault, "achievable_rto"),
					resource.TestCheckResourceAttr(near, "status", "breached"),
					resource.TestCheckResourceAttr("spice_backup_policy.vault", "backup_count", "1"),
					resource.TestCheckResourceAttr("spice_backup_policy.near", "backup_count", "1"),
				),
			},
		},
	})
}

// resticSSHClient gives root in the container what restic's sftp needs to
// reach the container's own sshd: the test key and the pinned host key, in
// the container's /root/.ssh (its overlay, not this machine's).
func resticSSHClient(t *testing.T, h *testhosts.Host) {
	t.Helper()
	key, err := os.ReadFile(h.PrivateKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(h.Root(), "root", ".ssh")
	files := map[string]string{
		"restic_key":         string(key),
		"restic_known_hosts": "127.0.0.1 " + h.HostKey + "\n",
		"config":             "Host 127.0.0.1\n  IdentityFile /root/.ssh/restic_key\n  IdentitiesOnly yes\n  UserKnownHostsFile /root/.ssh/restic_known_hosts\n  StrictHostKeyChecking yes\n  BatchMode yes\n",
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
