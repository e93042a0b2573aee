package core

import (
	"context"
	"sort"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

const closureConfig = `
provider "spice" {
  root = "ROOT"
}
resource "spice_directory" "d" {
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
resource "spice_file" "c" {
  count   = 2
  path    = "/c${count.index}"
  content = spice_file.x.content
}
resource "spice_file" "other" {
  path    = "/other"
  content = "o"
}
module "m" {
  source = "./m"
  path   = spice_file.other.path
}
`

// -target resolves to the targets plus what they depend on (plan) or
// what depends on them (destroy), through locals and module calls.
func TestTargetClosure(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": closureConfig, "m/main.tf": `
variable "path" {
  type = string
}
resource "spice_file" "in" {
  path    = "${var.path}.in"
  content = "i"
}
`})
	for name, tc := range map[string]struct {
		targets []string
		destroy bool
		want    []string
	}{
		"dependencies through a local": {targets: []string{"spice_file.x"}, want: []string{"spice_directory.d", "spice_file.base", "spice_file.x"}},
		"an instance stays an instance": {targets: []string{"spice_file.c[1]"},
			want: []string{"spice_directory.d", "spice_file.base", "spice_file.c[1]", "spice_file.x"}},
		"a module and what it is given": {targets: []string{"module.m"}, want: []string{"module.m.spice_file.in", "spice_file.other"}},
		"repeated":                      {targets: []string{"spice_file.other", "spice_directory.d"}, want: []string{"spice_directory.d", "spice_file.other"}},
		"destroy: dependents": {targets: []string{"spice_file.base"}, destroy: true,
			want: []string{"spice_file.base", "spice_file.c", "spice_file.x"}},
		"destroy: into a module": {targets: []string{"spice_file.other"}, destroy: true, want: []string{"module.m.spice_file.in", "spice_file.other"}},
	} {
		t.Run(name, func(t *testing.T) {
			require.False(t, te.prepare().HasErrors())
			te.TargetAddrs = nil
			for _, s := range tc.targets {
				a, err := config.ParseAddress(s)
				require.NoError(t, err)
				te.TargetAddrs = append(te.TargetAddrs, a)
			}
			mode := NormalMode
			if tc.destroy {
				mode = DestroyMode
			}
			diags := te.resolveTargets(mode)
			require.Len(t, diags, 1)
			assert.Equal(t, "Resource targeting is in effect", diags[0].Summary)
			var got []string
			for addr := range te.Targets {
				got = append(got, addr)
			}
			sort.Strings(got)
			assert.Equal(t, tc.want, got)
		})
	}
}

// Moved blocks that Terraform refuses are refused with its words, and a
// chain of moves takes an object from its first address to its last.
func TestMoveStatements(t *testing.T) {
	const declared = `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}
`
	te := newTestEngine(t, map[string]string{"main.tf": declared})
	te.apply(t, te.plan(t, NormalMode))

	for name, tc := range map[string]struct {
		moved   string
		summary string
		prev    map[string]string // without error: address -> previous
	}{
		"still exists": {moved: `
resource "spice_file" "b" {
  path    = "/a"
  content = "a"
}
moved {
  from = spice_file.b
  to   = spice_file.a
}`, summary: "Moved object still exists"},
		"ambiguous": {moved: `
moved {
  from = spice_file.a
  to   = spice_file.b
}
moved {
  from = spice_file.a
  to   = spice_file.c
}`, summary: "Ambiguous move statements"},
		"cycle": {moved: `
moved {
  from = spice_file.x
  to   = spice_file.y
}
moved {
  from = spice_file.y
  to   = spice_file.x
}`, summary: "Cyclic dependency in move statements"},
		"redundant": {moved: `
moved {
  from = spice_file.a
  to   = spice_file.a
}`, summary: "Redundant move statement"},
		"across types": {moved: `
moved {
  from = spice_file.gone
  to   = spice_directory.d
}
moved {
  from = spice_file.a
  to   = spice_file.gone
}`, summary: "Unsupported `moved` across resource types"},
		"chain, declared in any order": {moved: `
moved {
  from = spice_file.b
  to   = spice_file.c
}
moved {
  from = spice_file.a
  to   = spice_file.b
}
resource "spice_file" "c" {
  path    = "/a"
  content = "a"
}`, prev: map[string]string{"spice_file.c": "spice_file.a"}},
		"to an instance": {moved: `
moved {
  from = spice_file.a
  to   = spice_file.n[0]
}
resource "spice_file" "n" {
  count   = 1
  path    = "/a"
  content = "a"
}`, prev: map[string]string{"spice_file.n[0]": "spice_file.a"}},
	} {
		t.Run(name, func(t *testing.T) {
			te.write(t, map[string]string{"main.tf": "provider \"spice\" {\n  root = \"ROOT\"\n}\n" + tc.moved})
			te.reload(t)
			p, diags := te.Plan(context.Background(), NormalMode)
			if tc.summary != "" {
				require.True(t, diags.HasErrors(), "expected %q", tc.summary)
				assert.Equal(t, tc.summary, errorSummary(diags))
				return
			}
			require.False(t, diags.HasErrors(), diags.Error())
			got := map[string]string{}
			for _, c := range p.Changes {
				got[c.Addr] = c.PrevAddr
				assert.Equal(t, NoOp, c.Action, c.Addr)
			}
			assert.Equal(t, tc.prev, got)
			assert.True(t, p.HasChanges(), "a move alone is a change to apply")
		})
	}
}

func errorSummary(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return d.Summary
		}
	}
	return ""
}

// An object already at a move's destination blocks the move: the moved
// object stays where it was, planned for deletion, with Terraform's
// warning.
func TestBlockedMove(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}
resource "spice_file" "b" {
  path    = "/b"
  content = "b"
}
`})
	te.apply(t, te.plan(t, NormalMode))
	te.write(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "b" {
  path    = "/b"
  content = "b"
}
moved {
  from = spice_file.a
  to   = spice_file.b
}
`})
	te.reload(t)
	p, diags := te.Plan(context.Background(), NormalMode)
	require.False(t, diags.HasErrors(), diags.Error())
	require.Len(t, diags, 1)
	assert.Equal(t, "Unresolved resource instance address changes", diags[0].Summary)
	assert.Contains(t, diags[0].Detail, "spice_file.a could not move to spice_file.b")
	assert.Equal(t, map[string]Action{"spice_file.a": Delete, "spice_file.b": NoOp}, actionsOf(p))
}

// -target reaches objects only state knows: a targeted one is planned for
// deletion, the others are left as they are.
func TestTargetedOrphan(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}
resource "spice_file" "b" {
  path    = "/b"
  content = "b"
}
`})
	te.apply(t, te.plan(t, NormalMode))
	te.write(t, map[string]string{"main.tf": "provider \"spice\" {\n  root = \"ROOT\"\n}\n"})
	te.reload(t)
	a, err := config.ParseAddress("spice_file.a")
	require.NoError(t, err)
	te.TargetAddrs = []config.Address{a}
	assert.Equal(t, map[string]Action{"spice_file.a": Delete}, actionsOf(te.plan(t, NormalMode)))
}

// A moved block renames a module call: every object in it moves, and the
// apply writes them at their new addresses.
func TestMoveModuleCall(t *testing.T) {
	const module = `
resource "spice_file" "a" {
  path    = "/a"
  content = "a"
}
`
	te := newTestEngine(t, map[string]string{"m/main.tf": module, "main.tf": `
provider "spice" {
  root = "ROOT"
}
module "old" {
  source = "./m"
}
`})
	te.apply(t, te.plan(t, NormalMode))
	te.write(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
module "new" {
  source = "./m"
}
moved {
  from = module.old
  to   = module.new
}
`})
	te.reload(t)
	p := te.plan(t, NormalMode)
	require.Len(t, p.Changes, 1)
	assert.Equal(t, "module.new.spice_file.a", p.Changes[0].Addr)
	assert.Equal(t, "module.old.spice_file.a", p.Changes[0].PrevAddr)
	assert.Equal(t, NoOp, p.Changes[0].Action)
	te.apply(t, p)
	te.reload(t)
	assert.False(t, te.plan(t, NormalMode).HasChanges(), "applied: the state has the new address")
}

// A targeted plan evaluates the outputs and locals its targets need, and
// leaves out those that read a resource neither targeted nor in state.
func TestTargetedPlanLeavesOutUntargetedValues(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "x" {
  path    = "/x"
  content = "x"
}
resource "spice_file" "z" {
  path    = "/z"
  content = "z"
}
locals {
  z = upper(spice_file.z.path)
}
output "x" {
  value = spice_file.x.path
}
output "z" {
  value = local.z
}
`})
	x, err := config.ParseAddress("spice_file.x")
	require.NoError(t, err)
	te.TargetAddrs = []config.Address{x}
	p := te.plan(t, NormalMode)
	assert.Equal(t, map[string]Action{"spice_file.x": Create}, actionsOf(p))
	assert.Equal(t, []string{"x"}, keysOf(p.Outputs))
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
