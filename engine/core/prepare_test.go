package core

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const providerBlock = "provider \"spice\" {\n  root = \"ROOT\"\n}\n"

// TestPrepareGraph checks the edges graph preparation derives from
// references, depends_on, module calls and provider configurations.
func TestPrepareGraph(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		edges map[string][]string // node -> exactly its dependencies
	}{
		"resource reference and provider": {
			files: map[string]string{"main.tf": providerBlock + `
resource "spice_directory" "d" { path = "/srv" }
resource "spice_file" "f" { path = "${spice_directory.d.path}/f" }
`},
			edges: map[string][]string{
				"spice_file.f":      {"spice_directory.d", "provider.spice"},
				"spice_directory.d": {"provider.spice"},
				"provider.spice":    nil,
			},
		},
		"locals, variables, outputs and depends_on": {
			files: map[string]string{"main.tf": providerBlock + `
variable "dir" { default = "/srv" }
locals {
  base = var.dir
  conf = "${local.base}/conf"
}
resource "spice_directory" "d" { path = local.base }
resource "spice_file" "f" {
  path       = local.conf
  depends_on = [spice_directory.d]
}
output "conf" { value = spice_file.f.path }
`},
			edges: map[string][]string{
				"local.base":   nil, // variables are known before the walk
				"local.conf":   {"local.base"},
				"spice_file.f": {"local.conf", "spice_directory.d", "provider.spice"},
				"output.conf":  {"spice_file.f"},
			},
		},
		"count, data source, check and import": {
			files: map[string]string{"main.tf": providerBlock + `
data "spice_host" "h" {}
resource "spice_file" "f" {
  count   = 2
  path    = "/srv/${count.index}"
  content = data.spice_host.h.id
}
check "c" {
  assert {
    condition     = length(spice_file.f) == 2
    error_message = "two"
  }
}
locals { id = "/srv/0" }
import {
  to = spice_file.f[0]
  id = local.id
}
`},
			edges: map[string][]string{
				"data.spice_host.h": {"provider.spice"},
				"spice_file.f":      {"data.spice_host.h", "local.id", "provider.spice"},
				"check.0":           {"spice_file.f"},
			},
		},
		"module call": {
			files: map[string]string{
				"main.tf": providerBlock + `
provider "spice" {
  alias = "b"
  root  = "ROOT"
}
resource "spice_directory" "d" { path = "/srv" }
module "app" {
  source     = "./app"
  dir        = spice_directory.d.path
  providers  = { spice = spice.b }
}
output "f" { value = module.app.file }
`,
				"app/main.tf": `
variable "dir" {}
resource "spice_file" "f" { path = "${var.dir}/f" }
output "file" { value = spice_file.f.path }
`},
			edges: map[string][]string{
				"module.app":              {"spice_directory.d"},
				"module.app.spice_file.f": {"module.app", "provider.spice.b"},
				"module.app.output.file":  {"module.app.spice_file.f"},
				"output.f":                {"module.app.output.file"},
				"provider.spice.b":        nil,
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			te := newTestEngine(t, tc.files)
			diags := te.prepare()
			require.False(t, diags.HasErrors(), diags.Error())
			for node, want := range tc.edges {
				require.Contains(t, te.graph.deps, node)
				assert.ElementsMatch(t, want, te.graph.deps[node], node)
			}
			_, err := te.graph.order()
			assert.NoError(t, err)
		})
	}
}

// TestPrepareErrors checks what graph preparation refuses, and that each
// diagnostic points at the offending source.
func TestPrepareErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		body    string
		summary string
		line    int // of the subject in main.tf; 0 for none
	}{
		"undeclared resource": {`
resource "spice_file" "f" { path = spice_directory.nope.path }`, "Reference to undeclared resource", 5},
		"undeclared local": {`
output "o" { value = local.nope }`, "Reference to undeclared local value", 5},
		"undeclared variable": {`
output "o" { value = var.nope }`, "Reference to undeclared input variable", 5},
		"undeclared data source": {`
output "o" { value = data.spice_host.nope.id }`, "Reference to undeclared data source", 5},
		"undeclared module": {`
output "o" { value = module.nope.x }`, "Reference to undeclared module call", 5},
		"unknown root": {`
output "o" { value = nope }`, "Invalid reference", 5},
		"count outside a counted resource": {`
resource "spice_file" "f" { path = "/x${count.index}" }`, "Invalid reference", 5},
		"self outside a postcondition": {`
output "o" { value = self.x }`, "Unsupported construct", 5},
		"cycle": {`
resource "spice_file" "a" { path = spice_file.b.path }
resource "spice_file" "b" { path = spice_file.a.path }`, "Cycle in configuration", 5},
		"provider not configured": {`
resource "spice_file" "f" {
  provider = spice.other
  path     = "/x"
}`, "Provider configuration not present", 5},
		"unknown resource type": {`
resource "spice_nope" "f" {}`, "Invalid resource type", 5},
		"unknown data source": {`
data "spice_nope" "f" {}`, "Invalid data source", 5},
		"import to undeclared resource": {`
import {
  to = spice_file.nope
  id = "/x"
}`, "Import to an undeclared resource", 6},
	} {
		t.Run(name, func(t *testing.T) {
			te := newTestEngine(t, map[string]string{"main.tf": providerBlock + tc.body})
			diags := te.prepare()
			require.True(t, diags.HasErrors())
			d := diags.Errs()[0]
			var diag *hcl.Diagnostic
			require.ErrorAs(t, d, &diag)
			assert.Equal(t, tc.summary, diag.Summary)
			require.NotNil(t, diag.Subject)
			assert.Equal(t, tc.line, diag.Subject.Start.Line)
		})
	}
}

// TestRefNode resolves references to the graph node producing their value.
func TestRefNode(t *testing.T) {
	te := newTestEngine(t, map[string]string{
		"main.tf": providerBlock + `
variable "v" { default = 1 }
locals { l = 1 }
resource "spice_file" "f" { path = "/f" }
data "spice_host" "h" {}
module "m" { source = "./m" }
`,
		"m/main.tf": `output "o" { value = 1 }`,
	})
	require.False(t, te.prepare().HasErrors())
	for src, want := range map[string]string{
		"var.v":               "",
		"local.l":             "local.l",
		"spice_file.f.path":   "spice_file.f",
		"spice_file.f":        "spice_file.f",
		"data.spice_host.h":   "data.spice_host.h",
		"module.m.o":          "module.m.output.o",
		"path.module":         "",
		"terraform.workspace": "",
		"each.key":            "",
		"var":                 "error",
		"local":               "error",
		"data.spice_host":     "error",
		"module.m":            "error",
		"module.m.nope":       "error",
		"spice_file":          "error",
	} {
		tr, diags := hclsyntax.ParseTraversalAbs([]byte(src), "test.tf", hcl.Pos{Line: 1, Column: 1})
		require.False(t, diags.HasErrors(), src)
		got, d := te.scope.refNode(tr, true)
		if d != nil {
			got = "error"
		}
		assert.Equal(t, want, got, src)
	}
	child := te.scopes["module.m"]
	require.NotNil(t, child)
	tr, _ := hclsyntax.ParseTraversalAbs([]byte("var.x"), "test.tf", hcl.Pos{Line: 1, Column: 1})
	_, d := child.refNode(tr, false)
	assert.NotNil(t, d, "a child module sees only its own variables")
}

func TestGraphDOT(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": providerBlock + `
resource "spice_directory" "d" { path = "/srv" }
resource "spice_file" "f" { path = "${spice_directory.d.path}/f" }
`})
	dot, diags := te.Graph()
	require.False(t, diags.HasErrors())
	assert.Contains(t, dot, `"spice_file.f" -> "spice_directory.d"`)
	assert.Contains(t, dot, `"spice_directory.d" -> "provider.spice"`)
}
