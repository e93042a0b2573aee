package e2e

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// parityConfigs exercise every resource type and the language features
// the engine evaluates itself; ROOT is replaced by the managed root.
var parityConfigs = map[string]string{
	"directories and files": `
resource "spice_directory" "d" {
  path          = "/srv/app"
  mode          = "2750"
  force_destroy = true
}
resource "spice_file" "plain" {
  path    = "${spice_directory.d.path}/plain.conf"
  content = "a = 1\n"
  mode    = "640"
}
resource "spice_file" "secret" {
  path              = "${spice_directory.d.path}/token"
  sensitive_content = "s3cr3t"
  mode              = "0600"
}
`,
	"env file and secrets": `
resource "spice_secret" "url" {}
resource "spice_secret" "hex" {
  length   = 24
  encoding = "hex"
  keepers  = { rotation = "q4" }
}
resource "spice_env_file" "env" {
  path      = "/srv/.env"
  variables = { SPACES = "  a b  ", QUOTES = "it's \"x\"", DOLLAR = "$HOME", HASH = "a # b" }
  sensitive_variables = {
    URL = spice_secret.url.result
    HEX = spice_secret.hex.result
  }
}
output "env_sha" {
  value = spice_env_file.env.sha256
}
`,
	"count, for_each, locals and functions": `
locals {
  services = { oms = 8000, bff = 8002, funnel = 8003 }
}
resource "spice_file" "unit" {
  for_each = local.services
  path     = "/etc/spice/${each.key}.yml"
  content  = yamlencode({ name = each.key, port = each.value, workers = 2 * 2 + 1 })
}
resource "spice_file" "log" {
  count   = 3
  path    = format("/var/log/spice/%02d.log", count.index)
  content = ""
}
resource "spice_file" "index" {
  path    = "/etc/spice/index.json"
  content = jsonencode({ for k, f in spice_file.unit : k => f.sha256 })
}
`,
}

// Either front end plans no changes after the other applied, for all the
// parity configurations at once, in both directions. They declare nothing
// in common, so one configuration holds them all: a run of either front end
// costs mostly its start and the provider's, whatever the configuration.
func TestParityBothWays(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	var body strings.Builder
	for _, name := range slices.Sorted(maps.Keys(parityConfigs)) {
		fmt.Fprintf(&body, "\n# %s\n%s", name, parityConfigs[name])
	}
	for _, first := range []string{"spice", "terraform"} {
		t.Run(first+" applies", func(t *testing.T) {
			root, work := t.TempDir(), t.TempDir()
			cfg := fmt.Sprintf("terraform {\n  required_providers {\n    spice = { source = \"spice-harvester/spice\" }\n  }\n}\nprovider \"spice\" {\n  root = %q\n}\n", root) + body.String()
			require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644))
			spice := testsupport.NewSpice(t, work, bin)
			tf := testsupport.NewTerraform(t, work, bin)
			applier, planner := spice, tf
			if first == "terraform" {
				applier, planner = tf, spice
			}
			applier.MustRun(0, "apply", "-auto-approve")
			planner.MustRun(0, "plan", "-detailed-exitcode")
			applier.MustRun(0, "plan", "-detailed-exitcode")
			planner.MustRun(0, "destroy", "-auto-approve")
			applier.MustRun(0, "plan", "-destroy", "-detailed-exitcode")
			// Destroy removes every object; parents that several files
			// brought along may stay as empty directories (documented).
			err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					t.Errorf("destroy after apply by %s left %s", first, p)
				}
				return err
			})
			require.NoError(t, err)
		})
	}
}
