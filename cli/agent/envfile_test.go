package agent_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/cli"
	"github.com/spice-harvester/terraform-provider-spice/dotenv"
	"github.com/spice-harvester/terraform-provider-spice/dotenv/generated"
)

// The agent writes the generated value below -root and answers with its
// keyed hash only; inspect withholds it too.
func TestAgentEnvFile(t *testing.T) {
	root := t.TempDir()
	agent := func(stdin string, args ...string) (string, string, int) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := cli.Run(append([]string{"agent", "env-file", "-root", root}, args...), "test", strings.NewReader(stdin), &stdout, &stderr)
		return stdout.String(), stderr.String(), code
	}
	out, errOut, code := agent(`{"path": "/srv/.env", "variables": {"PORT": "80"}, "secrets": {"KEY": {"length": 24, "charset": "hex"}}, "attrs": {"Perm": 384, "UID": -1, "GID": -1}}`, "apply")
	if code != 0 {
		t.Fatalf("apply: exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(filepath.Join(root, "srv/.env"))
	if err != nil {
		t.Fatal(err)
	}
	vars, err := dotenv.Parse(b)
	if err != nil || len(vars["KEY"]) != 24 || vars["PORT"] != "80" {
		t.Fatalf("the env file holds %d variables, KEY of %d characters (%v)", len(vars), len(vars["KEY"]), err)
	}
	var hashes generated.Hashes
	if err := json.Unmarshal([]byte(out), &hashes); err != nil || len(hashes["KEY"]) != 64 || strings.Contains(out, vars["KEY"]) {
		t.Fatalf("apply answered %d bytes, not one hash (%v)", len(out), err)
	}

	out, errOut, code = agent(`{"path": "/srv/.env", "names": ["KEY"]}`, "inspect")
	var ins generated.Inspection
	if code != 0 || json.Unmarshal([]byte(out), &ins) != nil {
		t.Fatalf("inspect: exit %d: %s", code, errOut)
	}
	if strings.Contains(out, vars["KEY"]) || ins.Hashes["KEY"] != hashes["KEY"] || ins.Variables["PORT"] != "80" || !ins.Canonical {
		t.Errorf("inspect answered %+v", ins)
	}

	for _, tc := range []struct{ stdin, op, want string }{
		{`{}`, "rotate", "takes apply or inspect"},
		{`{"path": "/srv/.env", "secrets": {"KEY": {"length": 24, "charset": "hex", "keep": "0000"}}}`, "apply", "KEY in /srv/.env changed on local:" + root + " since the plan"},
		{`{"path": "/srv/.env", "surprise": 1}`, "inspect", `unknown field "surprise"`},
	} {
		if _, errOut, code := agent(tc.stdin, tc.op); code != 1 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, vars["KEY"]) {
			t.Errorf("%s %s: exit %d: %s", tc.op, tc.stdin, code, errOut)
		}
	}
}
