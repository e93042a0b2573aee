package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// The spice CLI with the host facts: the data source feeds expressions
// (the manual's gunicorn workers rule), spice show -json carries the facts,
// and unmet requirements fail the plan naming each one.
func TestEngineHostFacts(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	work, root := workdir(t, `
data "spice_host" "this" {}
locals {
  workers = data.spice_host.this.facts.cpu_cores * 2 + 1
}
resource "spice_file" "gunicorn" {
  path    = "/opt/spice-harvester/gunicorn.conf.py"
  content = "workers = ${local.workers}\n"
}
resource "spice_host" "this" {
  min_cpu_cores = 1
  enforce       = "error"
}
output "workers" {
  value = local.workers
}
`)
	spice := testsupport.NewSpice(t, work, bin)
	out := spice.MustRun(0, "apply", "-auto-approve")
	nproc, err := exec.Command("nproc").Output()
	require.NoError(t, err)
	cores, err := strconv.Atoi(strings.TrimSpace(string(nproc)))
	require.NoError(t, err)
	assert.Contains(t, out, fmt.Sprintf("workers = %d", cores*2+1))
	b, err := os.ReadFile(filepath.Join(root, "opt/spice-harvester/gunicorn.conf.py"))
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("workers = %d\n", cores*2+1), string(b))
	spice.MustRun(0, "plan", "-detailed-exitcode")

	var shown struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	require.NoError(t, json.Unmarshal([]byte(spice.MustRun(0, "show", "-json")), &shown))
	found := false
	for _, r := range shown.Values.RootModule.Resources {
		if r.Address == "spice_host.this" {
			facts, _ := r.Values["facts"].(map[string]any)
			assert.EqualValues(t, cores, facts["cpu_cores"])
			found = true
		}
	}
	assert.True(t, found, "spice show -json lists spice_host.this with its facts")

	// The manual's production/recommended table on this machine.
	cfg, err := os.ReadFile(filepath.Join(work, "main.tf"))
	require.NoError(t, err)
	strict := strings.Replace(string(cfg), "  min_cpu_cores = 1\n", "  profile = \"production\"\n  tier    = \"recommended\"\n", 1)
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(strict), 0o644))
	out, code := spice.Run("plan")
	if cores < 16 {
		assert.Equal(t, 1, code, out)
		assert.Contains(t, out, fmt.Sprintf("cpu_cores: %d < 16", cores))
	}
	warn := strings.Replace(strict, "enforce       = \"error\"", "enforce       = \"warn\"", 1)
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(warn), 0o644))
	out = spice.MustRun(0, "plan")
	if cores < 16 {
		assert.Contains(t, out, "Warning")
		assert.Contains(t, out, "cpu_cores")
	}
}
