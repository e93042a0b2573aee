package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
}

func TestVariablePrecedence(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "n" {
  type    = number
  default = 1
}
variable "obj" {
  type = object({ name = string, port = optional(number, 8000) })
  default = { name = "oms" }
}
`)
	write(t, dir, "terraform.tfvars", "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\n")
	write(t, dir, "x.auto.tfvars", "c = \"auto\"\nd = \"auto\"\n")
	write(t, dir, "cli.tfvars", "e = \"var-file\"\n")
	t.Setenv("TF_VAR_a", "env")
	t.Setenv("TF_VAR_b", "env")
	t.Setenv("TF_VAR_n", "42")

	m, diags := config.Load(dir)
	require.False(t, diags.HasErrors(), diags.Error())
	vals, diags := m.VariableValues([]config.VarArg{{Value: "d=cli"}, {File: true, Value: filepath.Join(dir, "cli.tfvars")}})
	require.False(t, diags.HasErrors(), diags.Error())
	for name, want := range map[string]string{"a": "env", "b": "tfvars", "c": "auto", "d": "cli", "e": "var-file"} {
		assert.Equal(t, want, vals[name].AsString(), name)
	}
	assert.True(t, vals["n"].RawEquals(cty.NumberIntVal(42)), "TF_VAR_ values are parsed for non-string types")
	assert.True(t, vals["obj"].GetAttr("port").RawEquals(cty.NumberIntVal(8000)), "optional attribute defaults apply")
}

func TestVariableErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `
variable "port" {
  type = number
  validation {
    condition     = var.port > 1024
    error_message = "port must be above 1024."
  }
}
`)
	m, diags := config.Load(dir)
	require.False(t, diags.HasErrors())
	_, diags = m.VariableValues(nil)
	assert.Contains(t, diags.Error(), "No value for required variable")
	_, diags = m.VariableValues([]config.VarArg{{Value: "port=80"}})
	assert.Contains(t, diags.Error(), "port must be above 1024.")
	_, diags = m.VariableValues([]config.VarArg{{Value: "port=eighty"}})
	assert.True(t, diags.HasErrors())
	_, diags = m.VariableValues([]config.VarArg{{Value: "nope=1"}})
	assert.Contains(t, diags.Error(), "undeclared variable")
}
