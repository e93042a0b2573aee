package recovery

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/backup"
)

// drillFixture makes a policy "daily" backing up a small tree and a
// command's output, installed where LoadPolicy finds it by name.
func drillFixture(t *testing.T) (*backup.Policy, string) {
	t.Helper()
	dir := t.TempDir()
	policies := filepath.Join(dir, "policies")
	data := filepath.Join(dir, "data")
	for path, content := range map[string]string{"app/config.yml": "port: 8000\n", "app/.env": "SECRET=x\n"} {
		if err := os.MkdirAll(filepath.Join(data, filepath.Dir(path)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(data, path), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := &backup.Policy{
		Name: "daily", Schedule: "daily", Destination: filepath.Join(dir, "backups"),
		Sources: []backup.Source{
			{Name: "config", BaseDir: data, Paths: []string{"app"}},
			{Name: "db", Command: []string{"printf", "bundle"}},
		},
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(policies, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(policies, "daily.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SPICE_BACKUP_POLICY_DIR", policies)
	return p, dir
}

func TestDrill(t *testing.T) {
	p, dir := drillFixture(t)
	journals, scratch := filepath.Join(dir, "drills"), filepath.Join(dir, "scratch")
	if err := os.Mkdir(scratch, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := DrillOptions{ScratchBase: scratch, JournalDir: journals}
	// The verify command sees the restored tree and the command's output.
	verify := []string{"sh", "-c", `test "$(cat daily/app/config.yml)" = "port: 8000" && test "$(cat "$SPICE_DRILL_DIR/daily/db.out")" = bundle`}
	o := &Installed{Scenario: "database-corruption", BackupPolicies: []string{"daily"}, VerifyCommand: verify}

	if _, err := Drill(context.Background(), o, opts); err == nil || !strings.Contains(err.Error(), "policy daily has no complete backup") {
		t.Fatalf("drill without a backup: %v", err)
	}
	res, err := backup.Run(context.Background(), p, backup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	j, err := Drill(context.Background(), o, opts)
	if err != nil {
		t.Fatalf("drill: %v", err)
	}
	if !j.Success || len(j.Policies) != 1 || j.Policies[0].BackupID != res.ID || j.DurationSeconds <= 0 {
		t.Errorf("journal %+v", j)
	}
	recorded, err := os.ReadFile(filepath.Join(journals, "database-corruption.json"))
	if err != nil {
		t.Fatal(err)
	}
	if back, err := ParseJournal(recorded); err != nil || !back.Success || back.Policies[0].BackupID != res.ID {
		t.Errorf("recorded journal %s: %v", recorded, err)
	}

	// A failing verify command, then a corrupt archive: each is a failed
	// drill, recorded as such.
	for _, step := range []struct {
		name    string
		breakIt func()
	}{
		{"verify command fails", func() { o.VerifyCommand = []string{"sh", "-c", "echo schema missing >&2; exit 3"} }},
		{"corrupt archive", func() {
			o.VerifyCommand = nil
			archive := filepath.Join(p.Destination, res.ID, res.Metadata.Sources[0].File)
			b, err := os.ReadFile(archive)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 0xff
			if err := os.WriteFile(archive, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		name := step.name
		step.breakIt()
		_, err := Drill(context.Background(), o, opts)
		recorded, _ := os.ReadFile(filepath.Join(journals, "database-corruption.json"))
		back, _ := ParseJournal(recorded)
		if err == nil || back == nil || back.Success || back.Error != err.Error() {
			t.Errorf("%s: drill error %v, journal %s", name, err, recorded)
		}
		if name == "verify command fails" && !strings.Contains(err.Error(), "schema missing") {
			t.Errorf("the error does not quote the verify command: %v", err)
		}
	}
	if left, _ := os.ReadDir(scratch); len(left) != 0 {
		t.Errorf("scratch space left behind: %v", left)
	}
}
