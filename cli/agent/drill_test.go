package agent_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/recovery"
)

func TestDrillVerb(t *testing.T) {
	dir, _ := installTestPolicy(t)
	objective := filepath.Join(dir, "app-restore.json")
	journals := filepath.Join(dir, "drills")
	if err := os.WriteFile(objective, []byte(`{"scenario": "app-restore", "rto": "30m", "rpo": "1h", "backup_policies": ["app"],
  "verify_command": ["grep", "-q", "PORT=8002", "app/conf/app.env"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	drill := []string{"drill", "-objective", objective, "-journal-dir", journals, "-scratch", dir, "app-restore"}

	out, code := runCLI(t, drill...)
	if code != 1 || !strings.Contains(out, "policy app has no complete backup") {
		t.Fatalf("drill before any backup: exit %d\n%s", code, out)
	}
	if out, code = runCLI(t, "backup", "run", "-policy", "app"); code != 0 {
		t.Fatalf("backup run: exit %d\n%s", code, out)
	}
	out, code = runCLI(t, drill...)
	if code != 0 || !strings.Contains(out, "Drill app-restore passed: 1 policy restored and verified") {
		t.Fatalf("drill: exit %d\n%s", code, out)
	}
	b, err := os.ReadFile(filepath.Join(journals, "app-restore.json"))
	if err != nil {
		t.Fatal(err)
	}
	if j, err := recovery.ParseJournal(b); err != nil || !j.Success || len(j.Policies) != 1 {
		t.Fatalf("journal %s: %v", b, err)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"drill"}, "takes one scenario"},
		{[]string{"drill", "Bad Name"}, "lowercase letters"},
		{[]string{"drill", "-objective", objective, "other"}, `declares scenario "app-restore", not "other"`},
		{[]string{"drill", "-objective", filepath.Join(dir, "none.json"), "app-restore"}, "is spice_recovery_objective \"app-restore\" applied"},
	} {
		if out, code := runCLI(t, tc.args...); code != 1 || !strings.Contains(out, tc.want) {
			t.Errorf("%q: exit %d, want 1 and %q\n%s", tc.args, code, tc.want, out)
		}
	}
}
