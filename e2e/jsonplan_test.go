package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// jsonPlanConfig has what the JSON plan describes: a sensitive variable,
// one with a validation, count, for_each, a postcondition, a check block,
// a module call and outputs, one sensitive.
const jsonPlanConfig = `
variable "greeting" {
  type        = string
  default     = "hello"
  description = "what the files say"
  validation {
    condition     = length(var.greeting) > 0
    error_message = "greeting must not be empty"
  }
}
variable "api_key" {
  type      = string
  default   = "k3y-s3cr3t"
  sensitive = true
}
locals {
  services = { oms = 8000, bff = 8002 }
}
resource "spice_directory" "app" {
  path          = "/srv/app"
  mode          = "0750"
  force_destroy = true
}
resource "spice_file" "unit" {
  for_each = local.services
  path     = "${spice_directory.app.path}/${each.key}.yml"
  content  = yamlencode({ name = each.key, port = each.value, greeting = var.greeting })
}
resource "spice_file" "log" {
  count   = 2
  path    = format("%s/%02d.log", spice_directory.app.path, count.index)
  content = ""
  lifecycle {
    postcondition {
      condition     = self.mode != ""
      error_message = "mode must be set"
    }
  }
}
resource "spice_env_file" "env" {
  path                = "${spice_directory.app.path}/.env"
  variables           = { GREETING = var.greeting }
  sensitive_variables = { API_KEY = var.api_key }
}
module "extra" {
  source = "./modules/app"
  dir    = spice_directory.app.path
}
check "unit_files" {
  assert {
    condition     = length(spice_file.unit) == 2
    error_message = "two unit files"
  }
}
output "env_sha" {
  value       = spice_env_file.env.sha256
  description = "digest of the env file"
}
output "log_paths" {
  value = spice_file.log[*].path
}
output "key" {
  value     = var.api_key
  sensitive = true
}
`

const jsonPlanModule = `
terraform {
  required_providers {
    spice = { source = "spice-harvester/spice" }
  }
}
variable "dir" {
  type = string
}
resource "spice_file" "readme" {
  path    = "${var.dir}/README"
  content = "managed by spice\n"
}
output "readme_sha" {
  value = spice_file.readme.sha256
}
`

// The JSON plan of spice parses with terraform-json and says what
// Terraform's says of the same configuration and state: first a plan
// from nothing, then, after an apply and an edit made behind spice's
// back, a plan with drift, a prior state and a changed variable.
func TestJSONPlanMatchesTerraform(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	root, work := t.TempDir(), t.TempDir()
	// The source names the engine's registry host, as an OpenTofu user
	// mixing spice and tofu writes it: spice then records it in state,
	// and tofu show reads the state spice wrote.
	cfg := fmt.Sprintf("terraform {\n  required_providers {\n    spice = { source = %q }\n  }\n}\nprovider \"spice\" {\n  root = %q\n}\n",
		testsupport.ProviderHost()+"/spice-harvester/spice", root) + jsonPlanConfig
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(work, "modules", "app"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(work, "modules", "app", "main.tf"), []byte(jsonPlanModule), 0o644))
	spice := testsupport.NewSpice(t, work, bin)
	tf := testsupport.NewTerraform(t, work, bin)
	tf.MustRun(0, "get")

	plans := func(args ...string) (*tfjson.Plan, *tfjson.Plan) {
		tf.MustRun(0, append([]string{"plan", "-out=tf.plan"}, args...)...)
		fromTerraform := parsePlan(t, tf.Stdout("show", "-json", "tf.plan"))
		printed := spice.Stdout(append([]string{"plan", "-json"}, args...)...)
		assert.NotContains(t, printed, "k3y-s3cr3t", "a sensitive value never shows")
		fromSpice := parsePlan(t, printed)
		spice.MustRun(0, append([]string{"plan", "-out=spice.plan"}, args...)...)
		shown := parsePlan(t, spice.Stdout("show", "-json", "spice.plan"))
		shown.Timestamp = fromSpice.Timestamp
		assert.Equal(t, fromSpice, shown, "plan -json and show -json PLANFILE print the same plan")
		return fromTerraform, fromSpice
	}

	want, got := plans()
	comparePlans(t, want, got)
	require.Nil(t, got.PriorState, "nothing in state yet")

	spice.MustRun(0, "apply", "-auto-approve")
	require.NoError(t, os.WriteFile(filepath.Join(root, "srv", "app", "00.log"), []byte("edited\n"), 0o644))
	want, got = plans("-var", "greeting=hi")
	comparePlans(t, want, got)
	require.NotNil(t, got.PriorState)
	assert.Equal(t, moduleAddresses(want.PriorState.Values.RootModule), moduleAddresses(got.PriorState.Values.RootModule), "prior_state")
	assert.Equal(t, changeActions(want.ResourceDrift), changeActions(got.ResourceDrift), "resource_drift")
	assert.Equal(t, []string{"spice_file.log[0]"}, keys(changeActions(got.ResourceDrift)))

	stateJSON := spice.Stdout("show", "-json")
	assert.NotContains(t, stateJSON, "k3y-s3cr3t")
	var st tfjson.State
	require.NoError(t, json.Unmarshal([]byte(stateJSON), &st))
	require.NoError(t, st.Validate())
	var tfState tfjson.State
	require.NoError(t, json.Unmarshal([]byte(tf.Stdout("show", "-json")), &tfState))
	assert.Equal(t, tfState.FormatVersion, st.FormatVersion)
	assert.Equal(t, moduleAddresses(tfState.Values.RootModule), moduleAddresses(st.Values.RootModule), "show -json of the state")
	assert.Equal(t, keys(tfState.Values.Outputs), keys(st.Values.Outputs))
}

func parsePlan(t *testing.T, text string) *tfjson.Plan {
	t.Helper()
	var p tfjson.Plan
	require.NoError(t, json.Unmarshal([]byte(text), &p), text)
	require.NoError(t, p.Validate())
	return &p
}

// comparePlans holds spice's plan to Terraform's, field by field, except
// where the documentation lists a deliberate difference: versions,
// timestamps and sensitive values.
func comparePlans(t *testing.T, want, got *tfjson.Plan) {
	t.Helper()
	assert.Equal(t, want.FormatVersion, got.FormatVersion)
	if want.Complete != nil { // OpenTofu's plans have no "complete"
		assert.Equal(t, want.Complete, got.Complete, "complete")
	}
	assert.Equal(t, changeActions(want.ResourceChanges), changeActions(got.ResourceChanges), "resource_changes")
	var wantOrder, gotOrder []string
	for _, c := range want.ResourceChanges {
		wantOrder = append(wantOrder, c.Address)
	}
	for _, c := range got.ResourceChanges {
		gotOrder = append(gotOrder, c.Address)
	}
	assert.Equal(t, wantOrder, gotOrder, "resource_changes in Terraform's order")
	for i, c := range got.ResourceChanges {
		w := want.ResourceChanges[i]
		assert.Equal(t, w.ModuleAddress, c.ModuleAddress, c.Address)
		assert.Equal(t, w.Index, c.Index, c.Address)
		assert.Equal(t, w.Change.AfterUnknown, c.Change.AfterUnknown, c.Address+" after_unknown")
		assert.Equal(t, w.Change.AfterSensitive, c.Change.AfterSensitive, c.Address+" after_sensitive")
		assert.Equal(t, w.Change.BeforeSensitive, c.Change.BeforeSensitive, c.Address+" before_sensitive")
		assert.Equal(t, redactLike(w.Change.After, c.Change.AfterSensitive), c.Change.After, c.Address+" after")
	}
	assert.Equal(t, moduleAddresses(want.PlannedValues.RootModule), moduleAddresses(got.PlannedValues.RootModule), "planned_values")
	for name, w := range want.OutputChanges {
		g := got.OutputChanges[name]
		require.NotNil(t, g, "output_changes."+name)
		assert.Equal(t, w.Actions, g.Actions, "output_changes."+name)
		if w.AfterSensitive == false {
			assert.Equal(t, w.After, g.After, "output_changes."+name)
		}
	}
	assert.Len(t, got.OutputChanges, len(want.OutputChanges))
	assert.Equal(t, keys(want.Variables), keys(got.Variables), "variables")
	assert.Equal(t, want.Variables["greeting"], got.Variables["greeting"])
	assert.Equal(t, configReferences(want.Config.RootModule, ""), configReferences(got.Config.RootModule, ""), "configuration")
	assert.Equal(t, keys(want.Config.ProviderConfigs), keys(got.Config.ProviderConfigs), "provider_config")
	assert.Equal(t, checkStatuses(want.Checks), checkStatuses(got.Checks), "checks")
	assert.ElementsMatch(t, relevant(want), relevant(got), "relevant_attributes")
}

func changeActions(cs []*tfjson.ResourceChange) map[string]string {
	out := map[string]string{}
	for _, c := range cs {
		out[c.Address] = fmt.Sprint(c.Change.Actions)
	}
	return out
}

// redactLike is Terraform's value with what spice marks sensitive null.
func redactLike(v, sensitive any) any {
	if sensitive == true {
		return nil
	}
	m, ok := v.(map[string]any)
	s, _ := sensitive.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, e := range m {
		out[k] = redactLike(e, s[k])
	}
	return out
}

// moduleAddresses lists each module's resource addresses and the values
// of their non-sensitive attributes.
func moduleAddresses(m *tfjson.StateModule) []string {
	if m == nil {
		return nil
	}
	var out []string
	for _, r := range m.Resources {
		var sensitive map[string]any
		_ = json.Unmarshal(r.SensitiveValues, &sensitive)
		attrs := []string{}
		for k, v := range r.AttributeValues {
			if sensitive[k] != true {
				attrs = append(attrs, fmt.Sprintf("%s=%v", k, v))
			}
		}
		sort.Strings(attrs)
		out = append(out, m.Address+" "+r.Address+" "+strings.Join(attrs, " "))
	}
	for _, c := range m.ChildModules {
		out = append(out, moduleAddresses(c)...)
	}
	return out
}

// configReferences lists every expression of a configuration module:
// where it is, its constant value and the references it makes.
func configReferences(m *tfjson.ConfigModule, prefix string) []string {
	var out []string
	expr := func(where string, e *tfjson.Expression) {
		if e == nil || e.ExpressionData == nil {
			return
		}
		out = append(out, fmt.Sprintf("%s const=%v refs=%v", where, e.ConstantValue, e.References))
	}
	for _, r := range m.Resources {
		out = append(out, prefix+r.Address+" provider="+r.ProviderConfigKey)
		for name, e := range r.Expressions {
			expr(prefix+r.Address+"."+name, e)
		}
		expr(prefix+r.Address+" count", r.CountExpression)
		expr(prefix+r.Address+" for_each", r.ForEachExpression)
	}
	for name, o := range m.Outputs {
		expr(prefix+"output."+name, o.Expression)
		out = append(out, fmt.Sprintf("%soutput.%s sensitive=%v description=%q", prefix, name, o.Sensitive, o.Description))
	}
	for name, v := range m.Variables {
		out = append(out, fmt.Sprintf("%svar.%s sensitive=%v description=%q", prefix, name, v.Sensitive, v.Description))
	}
	for name, c := range m.ModuleCalls {
		out = append(out, prefix+"module."+name+" source="+c.Source)
		for arg, e := range c.Expressions {
			expr(prefix+"module."+name+"."+arg, e)
		}
		out = append(out, configReferences(c.Module, prefix+"module."+name+".")...)
	}
	sort.Strings(out)
	return out
}

func checkStatuses(cs []tfjson.CheckResultStatic) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s %s", c.Address.ToDisplay, c.Address.Kind, c.Status))
		for _, i := range c.Instances {
			out = append(out, fmt.Sprintf("  %s %v %s %d", i.Address.ToDisplay, i.Address.InstanceKey, i.Status, len(i.Problems)))
		}
	}
	return out
}

func relevant(p *tfjson.Plan) []string {
	var out []string
	for _, r := range p.RelevantAttributes {
		steps := make([]string, len(r.Attribute))
		for i, a := range r.Attribute {
			steps[i] = string(a)
		}
		out = append(out, r.Resource+" "+strings.Join(steps, ","))
	}
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
