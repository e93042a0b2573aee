package agent_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/cli"

	"github.com/spice-harvester/terraform-provider-spice/backup"
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
	archive := filepath.Join(dir, "backups", id, "db.out.gz")
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
