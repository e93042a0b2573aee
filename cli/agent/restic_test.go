package agent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/backup"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

// The repository password of the restic tests: asserted absent from every
// output.
const resticPassword = "restic-test-passphrase-7d1f"

// TestBackupRestic drives the restic engine with the real restic, on a
// local repository and (with SPICE_TEST_RESTIC_SFTP=1) on an sftp
// repository served by a real sshd on loopback: a backup dated 10 days ago, then a run of unchanged data that
// adds almost nothing (restic's own data_added) and whose retention
// forgets the old one; list, verify (restic check), restore -to and in
// place byte for byte, a drill (for sftp, as the off-site scenario), the
// metrics; and a wrong password, which fails clearly and prints nothing
// of either password.
func TestBackupRestic(t *testing.T) {
	if _, err := exec.LookPath("restic"); err != nil {
		t.Skip("restic is not installed (scripts/install-test-deps.sh installs it)")
	}
	for _, tc := range []struct {
		name       string
		repository func(t *testing.T, dir string) string
		offsite    bool
	}{
		{"local", func(_ *testing.T, dir string) string { return filepath.Join(dir, "repo") }, false},
		{"sftp", sftpRepository, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.offsite && os.Getenv("SPICE_TEST_RESTIC_SFTP") == "" {
				// Each restic command opens its own SSH connection: about
				// twice the local case's time. TestAccBackupPolicy_restic
				// runs sftp through systemd and the drill in CI.
				t.Skip("set SPICE_TEST_RESTIC_SFTP=1 to run the sftp repository case")
			}
			dir, policyFile := installTestPolicy(t)
			// 1 MiB of random data: its second backup must cost next to nothing.
			big := make([]byte, 1<<20)
			_, _ = rand.NewChaCha8([32]byte{7}).Read(big)
			if err := os.WriteFile(filepath.Join(dir, "src", "conf", "big.bin"), big, 0o640); err != nil {
				t.Fatal(err)
			}
			passwordFile := filepath.Join(dir, "restic-password")
			if err := os.WriteFile(passwordFile, []byte(resticPassword+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			metrics := filepath.Join(dir, "backup.prom")
			repository := tc.repository(t, dir)
			rewritePolicy(t, policyFile, func(p *backup.Policy) {
				p.Engine, p.Repository, p.PasswordFile, p.MetricsFile = backup.EngineRestic, repository, passwordFile, metrics
				p.Retention = backup.Retention{Days: 1, MinKeep: 1}
			})
			p, err := backup.LoadPolicy("app")
			if err != nil {
				t.Fatal(err)
			}
			if p.OffsiteRepository() != tc.offsite {
				t.Errorf("OffsiteRepository() = %v for %s", p.OffsiteRepository(), repository)
			}
			var outputs []string
			cli := func(args ...string) (string, int) {
				out, code := runCLI(t, args...)
				outputs = append(outputs, out)
				return out, code
			}

			// The first backup, 10 days old: the repository is created.
			old, err := backup.EngineOf(p).Run(context.Background(), backup.Options{Now: func() time.Time { return time.Now().Add(-10 * 24 * time.Hour) }})
			if err != nil {
				t.Fatal(err)
			}
			if old.Metadata.Bytes < 1<<19 {
				t.Errorf("first backup added %d bytes to the repository, want the 1 MiB (compressed or not, random data stays)", old.Metadata.Bytes)
			}

			out, code := cli("backup", "run", "-policy", "app")
			id := backupIDIn(t, out)
			if code != 0 || !strings.Contains(out, "complete: 2 sources") || !strings.Contains(out, "Pruned backup "+old.ID) {
				t.Fatalf("run: exit %d\n%s", code, out)
			}
			out, code = cli("backup", "list", "-policy", "app", "-json")
			var listed []backup.Backup
			if code != 0 || json.Unmarshal([]byte(out), &listed) != nil || len(listed) != 1 || listed[0].ID != id || !listed[0].Complete() {
				t.Fatalf("list after retention: exit %d\n%s", code, out)
			}
			// restic's data_added for the unchanged second backup: its
			// trees and the command's few bytes at most.
			if listed[0].Bytes > 8<<10 {
				t.Errorf("the second backup of unchanged data added %d bytes to the repository, want < 8 KiB", listed[0].Bytes)
			}
			if out, code = cli("backup", "verify", "-policy", "app", id); code != 0 || !strings.Contains(out, "intact") {
				t.Fatalf("verify: exit %d\n%s", code, out)
			}

			to := filepath.Join(dir, "restored")
			if out, code = cli("backup", "restore", "-policy", "app", id, "-to", to); code != 0 {
				t.Fatalf("restore -to: exit %d\n%s", code, out)
			}
			sameFiles(t, filepath.Join(dir, "src", "conf"), filepath.Join(to, "conf"))
			if got, err := os.ReadFile(filepath.Join(to, "db.out")); err != nil || string(got) != "bundle" {
				t.Errorf("restored db.out = %q, %v", got, err)
			}
			// In place, after the files are lost.
			saved := filepath.Join(dir, "saved")
			if err := os.Rename(filepath.Join(dir, "src", "conf"), saved); err != nil {
				t.Fatal(err)
			}
			if out, code = cli("backup", "restore", "-policy", "app", id, "-source", "conf"); code != 0 {
				t.Fatalf("restore in place: exit %d\n%s", code, out)
			}
			sameFiles(t, saved, filepath.Join(dir, "src", "conf"))

			objective := filepath.Join(dir, "drill.json")
			if err := os.WriteFile(objective, fmt.Appendf(nil, `{"scenario": "app-restore", "rto": "30m", "rpo": "1h", "backup_policies": ["app"], "offsite": %v,
  "verify_command": ["cmp", "%s", "app/conf/big.bin"]}`, tc.offsite, filepath.Join(saved, "big.bin")), 0o644); err != nil {
				t.Fatal(err)
			}
			out, code = cli("drill", "-objective", objective, "-journal-dir", filepath.Join(dir, "drills"), "-scratch", dir, "app-restore")
			if code != 0 || !strings.Contains(out, "Drill app-restore passed: 1 policy restored and verified") {
				t.Fatalf("drill: exit %d\n%s", code, out)
			}
			m, err := os.ReadFile(metrics)
			if err != nil || !strings.Contains(string(m), `spice_backup_backups{policy="app"} 1`) || !strings.Contains(string(m), `spice_backup_last_run_success{policy="app"} 1`) {
				t.Errorf("metrics (%v):\n%s", err, m)
			}

			// A wrong password: a clear error, and neither password shown.
			const wrong = "not-the-restic-passphrase-93b2"
			if err := os.WriteFile(passwordFile, []byte(wrong+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, verb := range [][]string{{"run"}, {"list"}, {"verify", id}} {
				args := append([]string{"backup", verb[0], "-policy", "app"}, verb[1:]...)
				if out, code = cli(args...); code != 1 || !strings.Contains(out, "wrong password") {
					t.Errorf("%q with a wrong password: exit %d, want 1 and %q\n%s", args, code, "wrong password", out)
				}
			}
			m, _ = os.ReadFile(metrics)
			outputs = append(outputs, string(m))
			if !strings.Contains(string(m), `spice_backup_last_run_success{policy="app"} 0`) {
				t.Errorf("metrics after the failed run:\n%s", m)
			}
			for _, out := range outputs {
				for _, secret := range []string{resticPassword, wrong} {
					if strings.Contains(out, secret) {
						t.Fatalf("output shows a password:\n%s", out)
					}
				}
			}
		})
	}
}

// sftpRepository serves dir/far over SFTP from a real sshd on loopback and
// returns its restic location. restic runs `ssh`: a wrapper first in PATH
// gives it this test's client configuration (key, pinned known host), so
// nothing of this machine's ssh configuration is used or touched.
func sftpRepository(t *testing.T, dir string) string {
	srv := sshd.Start(t)
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(config, fmt.Appendf(nil, "Host *\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n  BatchMode yes\n",
		srv.PrivateKeyFile, srv.KnownHostsFile), 0o600); err != nil {
		t.Fatal(err)
	}
	ssh, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("no ssh client")
	}
	if err := os.WriteFile(filepath.Join(bin, "ssh"), fmt.Appendf(nil, "#!/bin/sh\nexec %s -F %s \"$@\"\n", ssh, config), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
	return fmt.Sprintf("sftp://%s@%s:%d/%s", srv.User, srv.Host, srv.Port, filepath.Join(dir, "far"))
}

// sameFiles compares two trees' regular files byte for byte (and that the
// same files are there).
func sameFiles(t *testing.T, want, got string) {
	t.Helper()
	read := func(root string) map[string][]byte {
		files := map[string][]byte{}
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			files[rel], err = os.ReadFile(path)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	w, g := read(want), read(got)
	if len(w) != len(g) || len(w) == 0 {
		t.Errorf("%s holds %d files, %s %d", got, len(g), want, len(w))
	}
	for name, content := range w {
		if !bytes.Equal(content, g[name]) {
			t.Errorf("%s/%s differs from %s/%s", got, name, want, name)
		}
	}
}
