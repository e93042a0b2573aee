package core

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A destroy evaluates locals (and with them provider configurations)
// against what is in state, as Terraform's does: a local that refers to
// resources of every shape must not stop the destroy.
func TestDestroyEvaluatesLocalsFromState(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "one" {
  path    = "/one"
  content = "1"
}
resource "spice_file" "counted" {
  count   = 2
  path    = "/counted-${count.index}"
  content = "c"
}
resource "spice_file" "each" {
  for_each = toset(["a", "b"])
  path     = "/each-${each.key}"
  content  = each.key
}
data "spice_host" "this" {}
locals {
  paths = concat([spice_file.one.path], spice_file.counted[*].path, [for f in spice_file.each : f.path], [data.spice_host.this.id])
}
resource "spice_file" "index" {
  path    = "/index"
  content = join("\n", local.paths)
}
`})
	te.apply(t, te.plan(t, NormalMode))
	te.reload(t)

	p := te.plan(t, DestroyMode)
	require.Equal(t, map[string]Action{
		"spice_file.one": Delete, "spice_file.counted[0]": Delete, "spice_file.counted[1]": Delete,
		`spice_file.each["a"]`: Delete, `spice_file.each["b"]`: Delete, "spice_file.index": Delete,
	}, actionsOf(p))
	te.apply(t, p)
}
