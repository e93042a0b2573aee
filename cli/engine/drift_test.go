package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/report"
)

const driftToken = "tok-3c8e1f0a9b"

// driftConfig makes a working directory (the current one) whose
// configuration writes a file and a secret file under a fresh root.
func driftConfig(t *testing.T) (root string) {
	t.Helper()
	root, work := t.TempDir(), t.TempDir()
	t.Chdir(work)
	require.NoError(t, os.WriteFile("main.tf", []byte(fmt.Sprintf(`
provider "spice" {
  root = %q
}

variable "workers" {
  default = 4
}

variable "token" {
  type      = string
  default   = %q
  sensitive = true
}

resource "spice_file" "app" {
  path    = "/srv/app.yml"
  content = "workers: ${var.workers}\n"
}

resource "spice_file" "token" {
  path              = "/srv/token"
  sensitive_content = var.token
}
`, root, driftToken)), 0o644))
	mustRun(t, "apply", "-auto-approve")
	return root
}

func TestDrift(t *testing.T) {
	for _, tc := range []struct {
		name string
		// change changes the host or the declaration; args go to drift.
		change   func(t *testing.T, root string)
		args     []string
		code     int
		resource string
		status   report.Status
		findings []report.Finding
	}{
		{name: "clean", code: 0},
		{name: "a secret changed on the host",
			change: func(t *testing.T, root string) {
				require.NoError(t, os.WriteFile(filepath.Join(root, "srv/token"), []byte("tok-other"), 0o600))
			},
			code: 2, resource: "spice_file.token", status: report.Drifted,
			findings: []report.Finding{{Attribute: "sensitive_content", Declared: report.SensitiveValue, Actual: report.SensitiveValue}}},
		{name: "the declaration changed",
			args: []string{"-var", "workers=8"},
			code: 2, resource: "spice_file.app", status: report.Pending,
			findings: []report.Finding{{Attribute: "content", Declared: `"workers: 8\n"`, Actual: `"workers: 4\n"`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := driftConfig(t)
			if tc.change != nil {
				tc.change(t, root)
			}
			outputs := map[string]string{}
			for _, format := range report.Formats() {
				args := []string{"drift", "-format=" + format}
				if format == "json" {
					args = append(args, "-report=json:drift.json")
				}
				code, out, errOut := spiceRun(t, append(args, tc.args...)...)
				require.Equal(t, tc.code, code, "%s\n%s", out, errOut)
				outputs[format] = out + errOut
			}
			var r report.Report
			require.NoError(t, json.Unmarshal([]byte(outputs["json"]), &r), outputs["json"])
			b, err := os.ReadFile("drift.json")
			require.NoError(t, err)
			assert.JSONEq(t, string(b), outputs["json"], "the report file holds the same report")
			require.Equal(t, []report.Host{{Name: "spice", Address: "local", Reachable: true}}, r.Hosts)
			for _, res := range r.Resources {
				if res.Address == tc.resource {
					assert.Equal(t, tc.status, res.Status)
					assert.Equal(t, "update", res.Action)
					assert.Equal(t, tc.findings, res.Findings)
				} else {
					assert.Equal(t, report.OK, res.Status, res.Address)
				}
			}
			for format, out := range outputs {
				assert.NotContains(t, out, driftToken, format)
			}
		})
	}
}

func TestDriftRefusesUnknownFormats(t *testing.T) {
	driftConfig(t)
	for _, args := range [][]string{
		{"-format=yaml"},
		{"-report=yaml:drift.yaml"},
		{"-report=json"},
		{"-refresh=false"},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, out, errOut := spiceRun(t, append([]string{"drift"}, args...)...)
			assert.Equal(t, 1, code, out)
			assert.NotEmpty(t, errOut)
			assert.Empty(t, out)
		})
	}
}
