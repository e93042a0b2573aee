package agent_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/spice-harvester/terraform-provider-spice/backup"
	"github.com/spice-harvester/terraform-provider-spice/cli"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

// installTestPolicy installs a policy "app" (a small tree and a command's
// output) where a bare name finds it, and returns the test's directory and
// the policy file.
func installTestPolicy(t *testing.T) (dir, policyFile string) {
	t.Helper()
	dir = t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(filepath.Join(src, "conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "conf", "app.env"), []byte("PORT=8002\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	policyDir := filepath.Join(dir, "policies")
	t.Setenv("SPICE_BACKUP_POLICY_DIR", policyDir)
	p := backup.Policy{
		Name: "app", Destination: filepath.Join(dir, "backups"), Retention: backup.Retention{Days: 7},
		Sources: []backup.Source{
			{Name: "conf", BaseDir: src, Paths: []string{"conf"}},
			{Name: "db", Command: []string{"printf", "bundle"}},
		},
	}
	raw, _ := json.Marshal(p)
	if err := os.MkdirAll(policyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	policyFile = filepath.Join(policyDir, "app.json")
	if err := os.WriteFile(policyFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, policyFile
}

// TestBackupVerbs drives spice backup run, list, verify and restore through
// Run, with a policy given by name (SPICE_BACKUP_POLICY_DIR) and by file.
func TestBackupVerbs(t *testing.T) {
	dir, policyFile := installTestPolicy(t)

	out, code := runCLI(t, "backup", "run", "-policy", "app")
	if code != 0 || !strings.Contains(out, "complete: 2 sources") {
		t.Fatalf("run: exit %d\n%s", code, out)
	}
	out, code = runCLI(t, "backup", "list", "-policy", policyFile, "-json")
	var listed []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &listed) != nil || len(listed) != 1 || listed[0]["status"] != "complete" {
		t.Fatalf("list -json: exit %d\n%s", code, out)
	}
	id, ok := listed[0]["id"].(string)
	if !ok {
		t.Fatalf("list -json: id is not a string: %s", out)
	}
	for _, key := range []string{"id", "time", "status", "bytes", "duration_seconds", "path"} {
		if _, ok := listed[0][key]; !ok {
			t.Errorf("list -json lacks %q: %s", key, out)
		}
	}
	out, code = runCLI(t, "backup", "list", "-policy", "app")
	if code != 0 || !strings.Contains(out, "ID") || !strings.Contains(out, id+"  complete") {
		t.Fatalf("list: exit %d\n%s", code, out)
	}
	if out, code = runCLI(t, "backup", "verify", "-policy", "app", id); code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("verify: exit %d\n%s", code, out)
	}
	to := filepath.Join(dir, "restored")
	if out, code = runCLI(t, "backup", "restore", id, "-policy", "app", "-to", to); code != 0 {
		t.Fatalf("restore: exit %d\n%s", code, out)
	}
	for path, want := range map[string]string{"conf/app.env": "PORT=8002\n", "db.out": "bundle"} {
		if got, err := os.ReadFile(filepath.Join(to, path)); err != nil || string(got) != want {
			t.Errorf("restored %s: %q %v, want %q", path, got, err, want)
		}
	}

	// A flipped byte: verify and restore exit 1, and the target is untouched.
	archive := filepath.Join(dir, "backups", id, "db.out.zst")
	b, _ := os.ReadFile(archive)
	b[len(b)/2] ^= 0x10
	if err := os.WriteFile(archive, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code = runCLI(t, "backup", "verify", "-policy", "app", id); code != 1 || !strings.Contains(out, "corrupt") {
		t.Fatalf("verify of a corrupt backup: exit %d\n%s", code, out)
	}
	if out, code = runCLI(t, "backup", "restore", "-policy", "app", "-source", "db", "-to", to, id); code != 1 || !strings.Contains(out, "refusing to restore") {
		t.Fatalf("restore of a corrupt backup: exit %d\n%s", code, out)
	}
	if got, _ := os.ReadFile(filepath.Join(to, "db.out")); string(got) != "bundle" {
		t.Fatalf("a refused restore changed db.out to %q", got)
	}

	for _, args := range [][]string{
		{"backup", "list"},                                 // -policy missing
		{"backup", "verify", "-policy", "app"},             // ID missing
		{"backup", "run", "-policy", "app", "extra"},       // stray argument
		{"backup", "list", "-policy", "missing"},           // no such policy
		{"backup", "restore", "-policy", "app", "-to", to}, // ID missing
	} {
		if out, code := runCLI(t, args...); code != 1 || !strings.Contains(out, "Error:") {
			t.Errorf("%q: exit %d, want 1 with an error\n%s", args, code, out)
		}
	}
}

func TestBackupRunFailureExitsOne(t *testing.T) {
	dir := t.TempDir()
	raw, _ := json.Marshal(backup.Policy{Name: "broken", Destination: filepath.Join(dir, "backups"),
		Sources: []backup.Source{{Name: "db", Command: []string{"sh", "-c", "echo no database >&2; exit 2"}}}})
	file := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	out, code := runCLI(t, "backup", "run", "-policy", file)
	if code != 1 || !strings.Contains(out, "no database") {
		t.Fatalf("run: exit %d\n%s", code, out)
	}
	if out, code = runCLI(t, "backup", "list", "-policy", file); code != 0 || !strings.Contains(out, "failed") {
		t.Fatalf("list: exit %d\n%s", code, out)
	}
}

// runCLI runs spice with args and returns stdout and stderr together.
func runCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	code := cli.Run(args, "test", strings.NewReader(""), &out, &out)
	return out.String(), code
}

// TestBackupOffsite pushes to a real sshd on loopback: the copy is
// verified and byte-identical, retention and leftovers of killed pushes
// are removed there, list/verify/restore -offsite read it, a tampered copy
// is refused, and a wrong host key refuses the push without printing a
// key while the local backup stays.
func TestBackupOffsite(t *testing.T) {
	srv := sshd.Start(t)
	dir, policyFile := installTestPolicy(t)
	far := filepath.Join(dir, "far")
	// An expired copy and the leftover of a killed push wait there.
	old := filepath.Join(far, "20200101T000000Z")
	if err := os.MkdirAll(old, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, backup.MetadataFile), []byte(`{"id":"20200101T000000Z","policy":"app"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(far, ".20200102T000000Z.partial"), 0o700); err != nil {
		t.Fatal(err)
	}
	offsite := backup.Offsite{
		Name: "dc2", Host: srv.Host, Port: srv.Port, User: srv.User, PrivateKeyFile: srv.PrivateKeyFile,
		HostKey: srv.HostKey, Path: far, Retention: &backup.Retention{Days: 1, MinKeep: 1},
	}
	metrics := filepath.Join(dir, "backup.prom")
	rewritePolicy(t, policyFile, func(p *backup.Policy) {
		p.Offsite, p.MetricsFile = []backup.Offsite{offsite}, metrics
	})

	out, code := runCLI(t, "backup", "run", "-policy", "app")
	id := backupIDIn(t, out)
	if code != 0 || !strings.Contains(out, "Pushed backup "+id+" to offsite dc2:") || !strings.Contains(out, "Pruned backup 20200101T000000Z on offsite dc2.") {
		t.Fatalf("run: exit %d\n%s", code, out)
	}
	for _, name := range []string{"conf.tar.zst", "db.out.zst", backup.MetadataFile} {
		local, _ := os.ReadFile(filepath.Join(dir, "backups", id, name))
		copied, err := os.ReadFile(filepath.Join(far, id, name))
		if err != nil || !bytes.Equal(local, copied) || len(local) == 0 {
			t.Errorf("far-side %s differs from the local one (%v)", name, err)
		}
	}
	if entries, _ := os.ReadDir(far); len(entries) != 1 || entries[0].Name() != id {
		t.Errorf("far side holds %v, want only %s", entries, id)
	}
	p, err := backup.LoadPolicy("app")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := backup.ReadOffsiteRecord(p, "dc2")
	if err != nil || rec == nil || rec.BackupID != id || rec.LastError != "" || rec.PushSeconds <= 0 {
		t.Fatalf("off-site record: %+v %v", rec, err)
	}
	if m, _ := os.ReadFile(metrics); !strings.Contains(string(m), `spice_backup_offsite_last_push_success{policy="app",offsite="dc2"} 1`) ||
		!strings.Contains(string(m), `spice_backup_offsite_newest_backup_timestamp_seconds{policy="app",offsite="dc2"} `) {
		t.Errorf("metrics:\n%s", m)
	}

	out, code = runCLI(t, "backup", "list", "-policy", "app", "-offsite", "dc2", "-json")
	var listed []backup.Backup
	if code != 0 || json.Unmarshal([]byte(out), &listed) != nil || len(listed) != 1 || listed[0].ID != id || !listed[0].Complete() {
		t.Fatalf("list -offsite: exit %d\n%s", code, out)
	}
	if out, code = runCLI(t, "backup", "verify", "-policy", "app", "-offsite", "dc2", id); code != 0 || !strings.Contains(out, "on offsite dc2 is intact") {
		t.Fatalf("verify -offsite: exit %d\n%s", code, out)
	}

	// The host's backups are lost: the off-site copy restores the files
	// byte for byte.
	if err := os.RemoveAll(filepath.Join(dir, "backups")); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(dir, "restored")
	if out, code = runCLI(t, "backup", "restore", "-policy", "app", "-offsite", "dc2", "-to", to, id); code != 0 {
		t.Fatalf("restore -offsite: exit %d\n%s", code, out)
	}
	for path, want := range map[string]string{"conf/app.env": "PORT=8002\n", "db.out": "bundle"} {
		if got, err := os.ReadFile(filepath.Join(to, path)); err != nil || string(got) != want {
			t.Errorf("restored %s: %q %v, want %q", path, got, err, want)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "backups")); len(entries) != 1 || entries[0].Name() != backup.LockFile {
		t.Errorf("restore -offsite left %v in the destination", entries)
	}

	// A tampered copy fails verification; restore refuses it.
	flipByte(t, filepath.Join(far, id, "db.out.zst"))
	if out, code = runCLI(t, "backup", "verify", "-policy", "app", "-offsite", "dc2", id); code != 1 || !strings.Contains(out, "corrupt") || !strings.Contains(out, "db.out.zst has sha256") {
		t.Fatalf("verify -offsite of a tampered copy: exit %d\n%s", code, out)
	}
	if out, code = runCLI(t, "backup", "restore", "-policy", "app", "-offsite", "dc2", "-source", "db", "-to", to, id); code != 1 || !strings.Contains(out, "refusing to restore") {
		t.Fatalf("restore -offsite of a tampered copy: exit %d\n%s", code, out)
	}

	// Another host key: the push is refused and says so, no key is
	// printed, the run fails visibly and the local backup stays.
	otherKey, _ := sshd.NewKey(t)
	rewritePolicy(t, policyFile, func(p *backup.Policy) {
		p.Offsite[0].HostKey = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(otherKey)))
	})
	out, code = runCLI(t, "backup", "run", "-policy", "app")
	newID := backupIDIn(t, out)
	if code != 1 || !strings.Contains(out, "not the pinned host_key") || !strings.Contains(out, "offsite dc2 of policy app, backup "+newID) {
		t.Fatalf("run against a wrong host key: exit %d\n%s", code, out)
	}
	hostKeyBase64 := strings.Fields(srv.HostKey)[1]
	if strings.Contains(out, "PRIVATE KEY") || strings.Contains(out, hostKeyBase64) || strings.Contains(out, strings.Fields(string(ssh.MarshalAuthorizedKey(otherKey)))[1]) {
		t.Fatalf("the refused push printed a key:\n%s", out)
	}
	if _, err := backup.Verify(p, newID); err != nil {
		t.Fatalf("the local backup of a failed push: %v", err)
	}
	if _, err := os.Stat(filepath.Join(far, newID)); err == nil {
		t.Fatalf("a refused push left %s on the far side", newID)
	}
	rec, _ = backup.ReadOffsiteRecord(p, "dc2")
	if rec == nil || !strings.Contains(rec.LastError, "not the pinned host_key") {
		t.Fatalf("off-site record after a refused push: %+v", rec)
	}
	if m, _ := os.ReadFile(metrics); !strings.Contains(string(m), `spice_backup_offsite_last_push_success{policy="app",offsite="dc2"} 0`) ||
		!strings.Contains(string(m), `spice_backup_last_run_success{policy="app"} 0`) {
		t.Errorf("metrics after a refused push:\n%s", m)
	}
}

// rewritePolicy changes the installed policy file.
func rewritePolicy(t *testing.T, file string, change func(p *backup.Policy)) {
	t.Helper()
	p, err := backup.LoadPolicy(file)
	if err != nil {
		t.Fatal(err)
	}
	change(p)
	raw, _ := json.Marshal(p)
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// backupIDIn finds the ID in run's "Backup ID of policy" line.
func backupIDIn(t *testing.T, out string) string {
	t.Helper()
	m := regexp.MustCompile(`Backup (\S+) of policy`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no backup ID in:\n%s", out)
	}
	return m[1]
}

func flipByte(t *testing.T, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x10
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
