package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// refactorCase is a configuration applied, then changed into after (a
// refactor) and applied again with args; the second apply must print
// want, leave state holding exactly addrs, and the other front end must
// plan no changes.
type refactorCase struct {
	before, after string
	// module and moduleAfter are m/main.tf before and after, when the
	// configuration calls ./m.
	module, moduleAfter string
	args                []string
	want                []string
	addrs               []string
	// planArgs are what the other front end plans with (-target: the
	// same targets, since untargeted changes stay pending by design).
	planArgs []string
}

// refactorModuleHeader is ./m without resources; refactorModule declares a.
const refactorModuleHeader = `terraform {
  required_providers {
    spice = { source = "spice-harvester/spice" }
  }
}
`

const refactorModule = refactorModuleHeader + `resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}
`

var refactorCases = map[string]refactorCase{
	"rename with moved": {
		before: `resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}`,
		after: `resource "spice_file" "b" {
  path    = "/a"
  content = "a"
}
moved {
  from = spice_file.a
  to   = spice_file.b
}`,
		want: []string{"# spice_file.a has moved to spice_file.b", "0 added, 0 changed, 0 destroyed"}, addrs: []string{"spice_file.b"},
	},
	"chained moves": {
		before: `resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}`,
		after: `resource "spice_file" "c" {
  path    = "/a"
  content = "a"
}
moved {
  from = spice_file.b
  to   = spice_file.c
}
moved {
  from = spice_file.a
  to   = spice_file.b
}`,
		want: []string{"# spice_file.a has moved to spice_file.c"}, addrs: []string{"spice_file.c"},
	},
	"move into a module": {
		before: `resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}`,
		after: `module "m" {
  source = "./m"
}
moved {
  from = spice_file.a
  to   = module.m.spice_file.a
}`,
		moduleAfter: refactorModule,
		want:        []string{"# spice_file.a has moved to module.m.spice_file.a"}, addrs: []string{"module.m.spice_file.a"},
	},
	"move out of a module": {
		before: `module "m" {
  source = "./m"
}`,
		after: `module "m" {
  source = "./m"
}
resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}
moved {
  from = module.m.spice_file.a
  to   = spice_file.a
}`,
		module:      refactorModule,
		moduleAfter: refactorModuleHeader,
		want:        []string{"# module.m.spice_file.a has moved to spice_file.a"}, addrs: []string{"spice_file.a"},
	},
	"count keys to for_each keys": {
		before: `resource "spice_file" "c" {
  count   = 2
  path    = "/c${count.index}"
  content = "c"
}`,
		after: `resource "spice_file" "c" {
  for_each = { x = "/c0", y = "/c1" }
  path     = each.value
  content  = "c"
}
moved {
  from = spice_file.c[0]
  to   = spice_file.c["x"]
}
moved {
  from = spice_file.c[1]
  to   = spice_file.c["y"]
}`,
		want: []string{`# spice_file.c[0] has moved to spice_file.c["x"]`, `# spice_file.c[1] has moved to spice_file.c["y"]`}, addrs: []string{`spice_file.c["x"]`, `spice_file.c["y"]`},
	},
	"for_each key change": {
		before: `resource "spice_file" "f" {
  for_each = { old = "/f" }
  path     = each.value
  content  = "f"
}`,
		after: `resource "spice_file" "f" {
  for_each = { new = "/f" }
  path     = each.value
  content  = "f"
}
moved {
  from = spice_file.f["old"]
  to   = spice_file.f["new"]
}`,
		want: []string{`# spice_file.f["old"] has moved to spice_file.f["new"]`}, addrs: []string{`spice_file.f["new"]`},
	},
	"count added, implied move": {
		before: `resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}`,
		after: `resource "spice_file" "a" {
  count   = 1
  path    = "/a"
  content = "a"
}`,
		want: []string{"# spice_file.a has moved to spice_file.a[0]"}, addrs: []string{"spice_file.a[0]"},
	},
	"removed, destroy = false": {
		before: `resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}`,
		after: `removed {
  from = spice_file.a
  lifecycle {
    destroy = false
  }
}`,
		want: []string{"# spice_file.a will no longer be managed by", "0 added, 0 changed, 0 destroyed"},
	},
	"replace": {
		before: `resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}`,
		args: []string{"-replace=spice_file.a"},
		want: []string{"# spice_file.a will be replaced, as requested", "1 added, 0 changed, 1 destroyed"}, addrs: []string{"spice_file.a"},
	},
	"target with its dependencies": {
		before: `resource "spice_directory" "d" {
  path = "/d"
}`,
		after: `resource "spice_directory" "d" {
  path = "/d"
}
resource "spice_file" "base" {
  path    = "${spice_directory.d.path}/base"
  content = "b"
}
locals {
  base = spice_file.base.path
}
resource "spice_file" "x" {
  path    = "${local.base}.x"
  content = "x"
}
resource "spice_file" "other" {
  path    = "/other"
  content = "o"
}
output "x" {
  value = spice_file.x.path
}
output "other" {
  value = spice_file.other.path
}`,
		args:     []string{"-target=spice_file.x"},
		planArgs: []string{"-target=spice_file.x"},
		want:     []string{"Resource targeting is in effect", "2 added, 0 changed, 0 destroyed"},
		addrs:    []string{"spice_directory.d", "spice_file.base", "spice_file.x"},
	},
}

// Either front end applies a refactor (moved, removed, -replace,
// -target) and the other plans no changes afterwards, both ways.
func TestRefactorParity(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	for name, tc := range refactorCases {
		for _, first := range []string{"spice", "terraform"} {
			t.Run(name+" by "+first, func(t *testing.T) {
				t.Parallel()
				root, work := t.TempDir(), t.TempDir()
				header := fmt.Sprintf("terraform {\n  required_providers {\n    spice = { source = \"spice-harvester/spice\" }\n  }\n}\nprovider \"spice\" {\n  root = %q\n}\n", root)
				spice := testsupport.NewSpice(t, work, bin)
				tf := testsupport.NewTerraform(t, work, bin)
				write := func(body, module string) {
					require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(header+body+"\n"), 0o644))
					if module != "" {
						require.NoError(t, os.MkdirAll(filepath.Join(work, "m"), 0o755))
						require.NoError(t, os.WriteFile(filepath.Join(work, "m", "main.tf"), []byte(module), 0o644))
						tf.MustRun(0, "get") // installs local modules, no registry
					}
				}
				applier, planner := spice, tf
				if first == "terraform" {
					applier, planner = tf, spice
				}
				write(tc.before, tc.module)
				applier.MustRun(0, "apply", "-auto-approve")
				after := tc.after
				if after == "" {
					after = tc.before
				}
				write(after, tc.moduleAfter)
				if first == "spice" { // the same state either way: compare once
					tf.MustRun(0, append([]string{"plan", "-out=tf.plan"}, tc.args...)...)
					want := refactorChanges(t, tf.Stdout("show", "-json", "tf.plan"))
					got := refactorChanges(t, spice.Stdout(append([]string{"plan", "-json"}, tc.args...)...))
					require.Equal(t, want, got, "plan -json: actions, action_reason, previous_address")
				}
				out := applier.MustRun(0, append([]string{"apply", "-auto-approve"}, tc.args...)...)
				if first == "spice" { // Terraform's and OpenTofu's words differ; the effects below do not
					for _, w := range tc.want {
						require.Contains(t, out, w, "spice apply %v", tc.args)
					}
				}
				list, _ := spice.Output("state", "list")
				require.Equal(t, strings.Join(tc.addrs, " "), strings.Join(strings.Fields(list), " "), "state after %s applied", first)
				planner.MustRun(0, append([]string{"plan", "-detailed-exitcode"}, tc.planArgs...)...)
				// Nothing a refactor touched was destroyed on the host.
				_, err := os.Stat(filepath.Join(root, "a"))
				require.Equal(t, strings.Contains(tc.before+tc.module, `"/a"`), err == nil, "/a kept")
			})
		}
	}
}

// refactorChanges is what a JSON plan (valid for terraform-json) says of
// each resource change that a refactor concerns: its actions, their
// reason and where it moved from. terraform-json does not read
// action_reason, so these come from the JSON directly.
func refactorChanges(t *testing.T, text string) map[string]string {
	parsePlan(t, text)
	var p struct {
		ResourceChanges []struct {
			Address         string `json:"address"`
			PreviousAddress string `json:"previous_address"`
			ActionReason    string `json:"action_reason"`
			Change          struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	require.NoError(t, json.Unmarshal([]byte(text), &p))
	out := map[string]string{}
	for _, c := range p.ResourceChanges {
		out[c.Address] = fmt.Sprintf("%v reason=%q from=%q", c.Change.Actions, c.ActionReason, c.PreviousAddress)
	}
	return out
}

// spice destroy -target of one spice_limits, as the tuning example's
// acceptance check does, destroys that one line and nothing else; its
// dependents go with it, as Terraform's destroy closure has them.
func TestDestroyTargetOneLimit(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	root, work := t.TempDir(), t.TempDir()
	cfg := fmt.Sprintf(`terraform {
  required_providers {
    spice = { source = "spice-harvester/spice" }
  }
}
provider "spice" {
  root = %q
}
resource "spice_limits" "nofile" {
  for_each = toset(["soft", "hard"])
  domain   = "*"
  type     = each.key
  item     = "nofile"
  value    = "65536"
}
resource "spice_limits" "nproc" {
  domain = "*"
  type   = "soft"
  item   = "nproc"
  value  = "4096"
}
resource "spice_file" "note" {
  path    = "/etc/limits-note"
  content = spice_limits.nofile["soft"].value
}
`, root)
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644))
	spice := testsupport.NewSpice(t, work, bin)
	tf := testsupport.NewTerraform(t, work, bin)
	spice.MustRun(0, "apply", "-auto-approve")
	target := `-target=spice_limits.nofile["soft"]`
	out := spice.MustRun(0, "destroy", "-auto-approve", target)
	require.Contains(t, out, "Resource targeting is in effect")
	require.Contains(t, out, "Destroy complete! Resources: 2 destroyed.")
	list, _ := spice.Output("state", "list")
	require.Equal(t, []string{`spice_limits.nofile["hard"]`, "spice_limits.nproc"}, strings.Fields(list))
	limits, err := os.ReadFile(filepath.Join(root, "etc/security/limits.d/60-spice.conf"))
	require.NoError(t, err)
	lines := testsupport.Flat(string(limits))
	require.Contains(t, lines, "* hard nofile 65536")
	require.Contains(t, lines, "* soft nproc 4096")
	require.NotContains(t, lines, "* soft nofile")
	tf.MustRun(0, "plan", "-destroy", "-detailed-exitcode", target)
}
