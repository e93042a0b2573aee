package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

// Saved values are values: a template sequence stays text, and neither
// the environment nor terraform.tfvars replace them.
func TestSavedVariableValues(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.tf", `
variable "motd" {
  type     = string
  nullable = false
}
variable "port" {
  type = number
  validation {
    condition     = var.port > 0
    error_message = "port must be positive"
  }
}
variable "token" {
  type      = string
  sensitive = true
}
`)
	write(t, dir, "terraform.tfvars", "motd = \"from tfvars\"\n")
	t.Setenv("TF_VAR_port", "not a number")
	mod, diags := config.Load(dir)
	require.False(t, diags.HasErrors(), diags.Error())

	vals, diags := mod.SavedVariableValues(map[string]cty.Value{
		"motd": cty.StringVal("total: ${40+2}"), "port": cty.NumberIntVal(8000), "token": cty.StringVal("t"),
	})
	require.False(t, diags.HasErrors(), diags.Error())
	assert.Equal(t, cty.StringVal("total: ${40+2}"), vals["motd"])
	assert.Equal(t, cty.NumberIntVal(8000), vals["port"])
	assert.True(t, vals["token"].HasMark(funcs.Sensitive))

	for name, saved := range map[string]map[string]cty.Value{
		"port must be positive":             {"motd": cty.StringVal(""), "port": cty.NumberIntVal(-1), "token": cty.StringVal("t")},
		"holds no value for":                {"motd": cty.StringVal(""), "port": cty.NumberIntVal(1)},
		"does not declare":                  {"motd": cty.StringVal(""), "port": cty.NumberIntVal(1), "token": cty.StringVal("t"), "x": cty.True},
		"a number is required":              {"motd": cty.StringVal(""), "port": cty.StringVal("eighty"), "token": cty.StringVal("t")},
		"variable \"motd\" is not nullable": {"motd": cty.NullVal(cty.String), "port": cty.NumberIntVal(1), "token": cty.StringVal("t")},
	} {
		_, diags := mod.SavedVariableValues(saved)
		assert.True(t, diags.HasErrors(), name)
		assert.Contains(t, diags.Error(), name)
	}
}
