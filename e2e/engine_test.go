package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/engine/state"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// workdir writes main.tf with the provider managing root.
func workdir(t *testing.T, body string) (work, root string) {
	t.Helper()
	root, work = t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(fmt.Sprintf(allResources, root)+body), 0o644))
	return work, root
}

// Both front ends on one directory and state: whatever one applies, the
// other plans as no change.
func TestParitySpiceThenTerraform(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	work, root := workdir(t, "")
	spice := testsupport.NewSpice(t, work, bin)
	tf := testsupport.NewTerraform(t, work, bin)

	out := spice.MustRun(2, "plan", "-detailed-exitcode")
	assert.Contains(t, out, "Plan: 5 to add, 0 to change, 0 to destroy.")
	assert.Regexp(t, `result\s+= \(sensitive value\)`, out)
	spice.MustRun(0, "apply", "-auto-approve")
	spice.MustRun(0, "plan", "-detailed-exitcode")
	tf.MustRun(0, "plan", "-detailed-exitcode")

	info, err := os.Stat(filepath.Join(work, "terraform.tfstate"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "state is private")
	env := testsupport.PythonDotenv(t, filepath.Join(root, "opt/spice-harvester/.env"))
	assert.Regexp(t, regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`), env["SECRET_KEY"])

	// Drift seen by spice is repaired by spice, and Terraform agrees.
	require.NoError(t, os.WriteFile(filepath.Join(root, "opt/spice-harvester/config/oms.yml"), []byte("x: 1\n"), 0o640))
	out = spice.MustRun(2, "plan", "-detailed-exitcode")
	assert.Contains(t, out, "Objects have changed outside of spice")
	assert.Contains(t, out, "spice_file.config will be updated in-place")
	spice.MustRun(0, "apply", "-auto-approve")
	tf.MustRun(0, "plan", "-detailed-exitcode")

	out = spice.MustRun(0, "destroy", "-auto-approve")
	assert.Contains(t, out, "Destroy complete! Resources: 5 destroyed.")
	assert.NoDirExists(t, filepath.Join(root, "opt/spice-harvester"))
	tf.MustRun(0, "plan", "-destroy", "-detailed-exitcode")

	printed := map[string]string{}
	for k, v := range spice.Printed {
		printed[k] = v
	}
	for k, v := range tf.Printed {
		printed[k] = v
	}
	if where, found := testsupport.Contains(env["SECRET_KEY"], printed); found {
		t.Errorf("the secret appeared in the output of %s", where)
	}
}

func TestParityTerraformThenSpice(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	work, _ := workdir(t, "")
	spice := testsupport.NewSpice(t, work, bin)
	tf := testsupport.NewTerraform(t, work, bin)

	tf.MustRun(0, "apply", "-auto-approve")
	spice.MustRun(0, "plan", "-detailed-exitcode")
	out := spice.MustRun(0, "state", "list")
	assert.Contains(t, out, "spice_env_file.env")
	out = spice.MustRun(0, "show")
	assert.Contains(t, out, "(sensitive value)")
	spice.MustRun(0, "state", "show", "spice_secret.secret_key")
	tf.MustRun(0, "destroy", "-auto-approve")
	spice.MustRun(0, "plan", "-destroy", "-detailed-exitcode")
}

func TestEnginePlanJSONAndSavedPlans(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	work, root := workdir(t, "")
	spice := testsupport.NewSpice(t, work, bin)

	out := spice.MustRun(0, "plan", "-json")
	var plan struct {
		FormatVersion   string `json:"format_version"`
		ResourceChanges []struct {
			Address      string `json:"address"`
			Mode         string `json:"mode"`
			Type         string `json:"type"`
			ProviderName string `json:"provider_name"`
			Change       struct {
				Actions        []string       `json:"actions"`
				After          map[string]any `json:"after"`
				AfterUnknown   map[string]any `json:"after_unknown"`   // nested objects for blocks
				AfterSensitive map[string]any `json:"after_sensitive"` // as in Terraform's plan
			} `json:"change"`
		} `json:"resource_changes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &plan), out)
	assert.Equal(t, "1.2", plan.FormatVersion)
	require.Len(t, plan.ResourceChanges, 5)
	for _, rc := range plan.ResourceChanges {
		assert.Equal(t, []string{"create"}, rc.Change.Actions, rc.Address)
		assert.Equal(t, "managed", rc.Mode)
		assert.Equal(t, "registry.terraform.io/spice-harvester/spice", rc.ProviderName)
		if rc.Type == "spice_secret" {
			assert.Equal(t, true, rc.Change.AfterSensitive["result"])
			assert.Equal(t, true, rc.Change.AfterUnknown["result"])
		}
	}

	// A saved plan applies exactly; a stale one is refused.
	spice.MustRun(0, "plan", "-out=first.plan")
	out = spice.MustRun(0, "show", "-json", "first.plan")
	assert.Contains(t, out, `"resource_changes"`)
	spice.MustRun(0, "apply", "first.plan")
	spice.MustRun(0, "plan", "-detailed-exitcode")

	require.NoError(t, os.WriteFile(filepath.Join(root, "opt/spice-harvester/config/oms.yml"), []byte("drifted\n"), 0o640))
	spice.MustRun(0, "plan", "-out=second.plan")
	spice.MustRun(0, "apply", "-auto-approve") // the state moves on
	out, code := spice.Run("apply", "second.plan")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "saved plan is stale")
}

func TestEngineStateLock(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	work, _ := workdir(t, "")
	spice := testsupport.NewSpice(t, work, bin)
	lock, err := state.Acquire(context.Background(), filepath.Join(work, "terraform.tfstate"), "OperationTypeApply", "test", 0)
	require.NoError(t, err)
	out, code := spice.Run("apply", "-auto-approve")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "Error acquiring the state lock")
	assert.Regexp(t, `locked by .*\(pid \d+\)`, out)
	assert.NoFileExists(t, filepath.Join(work, "terraform.tfstate"), "nothing was applied")
	require.NoError(t, lock.Release())
	spice.MustRun(0, "apply", "-auto-approve")
}

func TestEngineVariablesAndOutputs(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	work, root := workdir(t, `
variable "workers" {
  type = number
  validation {
    condition     = var.workers > 0 && var.workers <= 64
    error_message = "workers must be between 1 and 64."
  }
}
locals {
  greeting = upper("hello ${var.workers}")
}
resource "spice_file" "workers" {
  count   = 2
  path    = "/opt/spice-harvester/workers-${count.index}.txt"
  content = "${local.greeting} ${count.index}\n"
}
resource "spice_file" "by_name" {
  for_each = toset(["oms", "bff"])
  path     = "/opt/spice-harvester/${each.key}.name"
  content  = each.value
}
output "files" {
  value = [for f in spice_file.workers : f.path]
}
output "secret" {
  value     = spice_secret.secret_key.result
  sensitive = true
}
`)
	spice := testsupport.NewSpice(t, work, bin)
	out, code := spice.Run("plan", "-var", "workers=0")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "workers must be between 1 and 64.")

	require.NoError(t, os.WriteFile(filepath.Join(work, "terraform.tfvars"), []byte("workers = 4\n"), 0o644))
	spice.MustRun(0, "apply", "-auto-approve")
	b, err := os.ReadFile(filepath.Join(root, "opt/spice-harvester/workers-1.txt"))
	require.NoError(t, err)
	assert.Equal(t, "HELLO 4 1\n", string(b))
	b, err = os.ReadFile(filepath.Join(root, "opt/spice-harvester/bff.name"))
	require.NoError(t, err)
	assert.Equal(t, "bff", string(b))
	out = spice.MustRun(0, "output")
	assert.Contains(t, out, "secret = <sensitive>")
	assert.Contains(t, out, "/opt/spice-harvester/workers-0.txt")
	spice.MustRun(0, "plan", "-detailed-exitcode")
	testsupport.NewTerraform(t, work, bin).MustRun(0, "plan", "-detailed-exitcode")
}

func TestEngineImport(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	work, _ := workdir(t, "")
	spice := testsupport.NewSpice(t, work, bin)
	tf := testsupport.NewTerraform(t, work, bin)
	spice.MustRun(0, "apply", "-auto-approve")

	// spice import ADDR ID
	spice.MustRun(0, "state", "rm", "spice_file.config")
	out := spice.MustRun(0, "import", "spice_file.config", "/opt/spice-harvester/config/oms.yml")
	assert.Contains(t, out, "Import successful!")
	spice.MustRun(0, "plan", "-detailed-exitcode")
	tf.MustRun(0, "plan", "-detailed-exitcode")
	out, code := spice.Run("import", "spice_file.config", "/opt/spice-harvester/config/oms.yml")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "already in state")
	out, code = spice.Run("import", "spice_file.nothere", "/x")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "has no resource block")

	// import blocks
	spice.MustRun(0, "state", "rm", "spice_directory.config")
	require.NoError(t, os.WriteFile(filepath.Join(work, "imports.tf"), []byte(`
import {
  to = spice_directory.config
  id = "/opt/spice-harvester/config"
}
`), 0o644))
	out = spice.MustRun(2, "plan", "-detailed-exitcode")
	assert.Contains(t, out, "spice_directory.config will be imported")
	assert.Contains(t, out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.")
	spice.MustRun(0, "apply", "-auto-approve")
	spice.MustRun(0, "plan", "-detailed-exitcode")
	out = spice.MustRun(0, "state", "list")
	assert.Contains(t, out, "spice_directory.config")
}

func TestEngineConditionsChecksAndGraph(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	work, _ := workdir(t, `
variable "env" {
  type    = string
  default = "production"
}
resource "spice_file" "guarded" {
  path    = "/opt/spice-harvester/guarded"
  content = var.env
  lifecycle {
    precondition {
      condition     = var.env != "forbidden"
      error_message = "env must not be forbidden."
    }
    postcondition {
      condition     = self.mode == "0644"
      error_message = "guarded must stay world-readable."
    }
  }
}
check "env_is_production" {
  assert {
    condition     = var.env == "production"
    error_message = "this is not production."
  }
}
`)
	spice := testsupport.NewSpice(t, work, bin)
	out, code := spice.Run("plan", "-var", "env=forbidden")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "env must not be forbidden.")

	out = spice.MustRun(0, "apply", "-auto-approve", "-var", "env=staging")
	assert.Contains(t, out, "Check block assertion failed (env_is_production)")
	assert.Contains(t, out, "this is not production.")
	out = spice.MustRun(0, "plan", "-var", "env=production")
	assert.NotContains(t, out, "Check block assertion failed")

	out = spice.MustRun(0, "graph")
	assert.Contains(t, out, `"spice_file.config" -> "spice_directory.config"`)
	assert.Contains(t, out, `"spice_env_file.env" -> "spice_secret.secret_key"`)
}

// Local modules: two instances of one module, outputs across the boundary,
// state addresses Terraform reads back.
func TestEngineLocalModules(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	root, work := t.TempDir(), t.TempDir()
	required := "terraform {\n  required_providers {\n    spice = { source = \"spice-harvester/spice\" }\n  }\n}\n"
	require.NoError(t, os.MkdirAll(filepath.Join(work, "modules/app"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(required+fmt.Sprintf(`
provider "spice" {
  root = %q
}
module "oms" {
  source = "./modules/app"
  name   = "oms"
  port   = 8000
}
module "bff" {
  source = "./modules/app"
  name   = "bff"
  port   = 8002
}
output "oms_config" {
  value = module.oms.config_path
}
`, root)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(work, "modules/app/main.tf"), []byte(required+`
variable "name" {
  type = string
}
variable "port" {
  type = number
}
locals {
  dir = "/opt/spice-harvester/${var.name}"
}
resource "spice_directory" "dir" {
  path = local.dir
}
resource "spice_file" "config" {
  path    = "${spice_directory.dir.path}/config.yml"
  content = yamlencode({ port = var.port })
}
output "config_path" {
  value = spice_file.config.path
}
`), 0o644))
	spice := testsupport.NewSpice(t, work, bin)
	tf := testsupport.NewTerraform(t, work, bin)
	out := spice.MustRun(0, "apply", "-auto-approve")
	assert.Contains(t, out, `oms_config = "/opt/spice-harvester/oms/config.yml"`)
	b, err := os.ReadFile(filepath.Join(root, "opt/spice-harvester/bff/config.yml"))
	require.NoError(t, err)
	assert.Equal(t, "\"port\": 8002\n", string(b))
	out = spice.MustRun(0, "state", "list")
	assert.Contains(t, out, "module.bff.spice_file.config")
	spice.MustRun(0, "plan", "-detailed-exitcode")
	tf.MustRun(0, "get") // installs local modules; no registry needed
	tf.MustRun(0, "plan", "-detailed-exitcode")

	// A module removed from the configuration is destroyed.
	cfg, err := os.ReadFile(filepath.Join(work, "main.tf"))
	require.NoError(t, err)
	trimmed := strings.Replace(string(cfg), "module \"bff\" {\n  source = \"./modules/app\"\n  name   = \"bff\"\n  port   = 8002\n}\n", "", 1)
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(trimmed), 0o644))
	out = spice.MustRun(2, "plan", "-detailed-exitcode")
	assert.Contains(t, out, "module.bff.spice_file.config will be destroyed")
	spice.MustRun(0, "apply", "-auto-approve")
	assert.NoDirExists(t, filepath.Join(root, "opt/spice-harvester/bff"))
}

// Check blocks with their own data source, the manual's health checks:
// an unhealthy endpoint or a failed read is a warning, never an error; a
// check that depends on a resource being changed reads after it, at apply.
func TestEngineHealthChecksInCheckBlocks(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	var healthy atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if !healthy.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	work, _ := workdir(t, fmt.Sprintf(`
provider "spice" {
  alias = "live" # this machine itself: only probed, never written
}
check "api" {
  data "spice_http_check" "api" {
    provider   = spice.live
    url        = "%s/health"
    depends_on = [spice_file.config]
  }
  assert {
    condition     = data.spice_http_check.api.healthy
    error_message = "api answered ${data.spice_http_check.api.status}."
  }
}
check "image" {
  data "spice_http_check" "in_image" {
    url = "%[1]s/health"
  }
  assert {
    condition     = data.spice_http_check.in_image.healthy
    error_message = "unreachable."
  }
}
`, srv.URL))
	for _, front := range []*testsupport.Runner{testsupport.NewSpice(t, work, bin), testsupport.NewTerraform(t, work, bin)} {
		healthy.Store(false)
		out := testsupport.Flat(front.MustRun(2, "plan", "-detailed-exitcode"))
		assert.Contains(t, out, "data.spice_http_check.api will be read during apply")
		assert.Regexp(t, `Warning: Cannot check http://127.0.0.1:\d+/health`, out)
		assert.Contains(t, out, "no service is running there to ask")

		out = testsupport.Flat(front.MustRun(0, "apply", "-auto-approve"))
		assert.Contains(t, out, "api answered 503.")

		// Terraform also plans every check's data source for another read
		// during apply; spice reads it while planning unless something it
		// depends on changes.
		healthy.Store(true)
		out, _ = front.Run("plan")
		assert.NotContains(t, out, "api answered")
		front.MustRun(0, "destroy", "-auto-approve")
	}
}
