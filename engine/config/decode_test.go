package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// load writes files into a fresh directory and loads it; diagnostics name
// files relative to the working directory, so the test runs from there.
func load(t *testing.T, files map[string]string) (*config.Module, hcl.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		write(t, dir, name, content)
	}
	t.Chdir(dir)
	return config.Load(dir)
}

func TestDecodeBlocks(t *testing.T) {
	m, diags := load(t, map[string]string{
		"main.tf": `
terraform {
  required_providers {
    spice = { source = "spice-harvester/spice" }
  }
  backend "local" {}
}
provider "spice" { root = "/srv" }
provider "spice" {
  alias = "oms1"
  host  = "10.0.0.6"
}
variable "port" {
  type        = number
  default     = "8080"
  description = "listen port"
  sensitive   = true
  nullable    = false
  validation {
    condition     = var.port > 0
    error_message = "positive"
  }
}
locals {
  a = 1
  b = local.a + 1
}
resource "spice_file" "x" {
  count      = 2
  provider   = spice.oms1
  path       = "/etc/x${count.index}"
  depends_on = [spice_directory.d]
  lifecycle {
    prevent_destroy       = true
    create_before_destroy = true
    ignore_changes        = [content]
    precondition {
      condition     = true
      error_message = "pre"
    }
    postcondition {
      condition     = self.path != ""
      error_message = "post"
    }
  }
}
resource "spice_directory" "d" {
  for_each = toset(["a"])
  path     = "/srv/${each.key}"
  lifecycle { ignore_changes = all }
}
data "spice_file" "read" { path = "/etc/hostname" }
output "x" {
  value       = spice_file.x[0].path
  description = "first"
  sensitive   = true
}
import {
  to = spice_directory.d["a"]
  id = "/srv/a"
}
check "up" {
  data "spice_file" "probe" { path = "/etc/os-release" }
  assert {
    condition     = data.spice_file.probe.path != ""
    error_message = "missing"
  }
}
module "app" {
  source    = "./app"
  name      = "web"
  providers = { spice = spice.oms1 }
  depends_on = [spice_directory.d]
}
`,
		"app/main.tf": `
variable "name" {}
resource "spice_file" "f" { path = "/srv/${var.name}" }
output "path" { value = spice_file.f.path }
`,
	})
	require.False(t, diags.HasErrors(), diags.Error())

	assert.Equal(t, []string{"spice", "spice.oms1"}, sortedKeys(m.Providers))
	assert.Equal(t, "spice.oms1", m.Providers["spice.oms1"].Key())

	port := m.Variables["port"]
	assert.Equal(t, cty.Number, port.Type)
	assert.True(t, port.Default.RawEquals(cty.NumberIntVal(8080)), "the default is converted to the declared type")
	assert.Equal(t, "listen port", port.Description)
	assert.True(t, port.Sensitive)
	assert.False(t, port.Nullable)
	assert.Len(t, port.Validations, 1)

	assert.Equal(t, []string{"a", "b"}, sortedKeys(m.Locals))

	require.Len(t, m.Resources, 4)
	x := m.Resources[0]
	assert.Equal(t, config.Managed, x.Mode)
	assert.Equal(t, "spice_file.x", x.Address())
	assert.Equal(t, "spice.oms1", x.ProviderKey)
	assert.NotNil(t, x.Count)
	assert.Len(t, x.DependsOn, 1)
	assert.True(t, x.Lifecycle.PreventDestroy)
	assert.True(t, x.Lifecycle.CreateBeforeDestroy)
	assert.Len(t, x.Lifecycle.IgnoreChanges, 1)
	assert.Len(t, x.Lifecycle.Preconditions, 1)
	assert.Len(t, x.Lifecycle.Postconditions, 1)
	d := m.Resources[1]
	assert.NotNil(t, d.ForEach)
	assert.True(t, d.Lifecycle.IgnoreAllChanges)
	read := m.Resources[2]
	assert.Equal(t, config.Data, read.Mode)
	assert.Equal(t, "data.spice_file.read", read.Address())
	assert.Equal(t, "data.spice_file.probe", m.Resources[3].Address())
	assert.Equal(t, "up", m.Resources[3].Check, "a data block inside a check is scoped to it")

	assert.True(t, m.Outputs["x"].Sensitive)
	assert.Equal(t, "first", m.Outputs["x"].Description)

	require.Len(t, m.Imports, 1)
	assert.Equal(t, `spice_directory.d["a"]`, m.Imports[0].To)

	require.Len(t, m.Checks, 1)
	assert.Equal(t, "up", m.Checks[0].Name)
	assert.Len(t, m.Checks[0].Asserts, 1)

	app := m.Calls["app"]
	require.NotNil(t, app)
	assert.Equal(t, "./app", app.Source)
	assert.Equal(t, map[string]string{"spice": "spice.oms1"}, app.Providers)
	assert.Contains(t, app.Args, "name")
	assert.Len(t, app.DependsOn, 1)
	require.NotNil(t, app.Module)
	assert.Equal(t, "module.app", app.Module.Path)
	assert.Equal(t, "module.app.spice_file.f", app.Module.Resources[0].Address())
}

// TestDecodeErrors gives each block kind a construct it must refuse, and
// checks the diagnostic's summary and where it points (file:line).
func TestDecodeErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		files   map[string]string
		summary string
		detail  string
		at      string // file:line of the subject
	}{
		"foreign required provider": {files: map[string]string{"main.tf": "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n"},
			summary: "Foreign provider", detail: `required provider "aws"`, at: "main.tf:3"},
		"remote backend":       {files: map[string]string{"main.tf": "terraform {\n  backend \"s3\" {}\n}\n"}, summary: "Unsupported construct", detail: `the "s3" backend`, at: "main.tf:2"},
		"cloud block":          {files: map[string]string{"main.tf": "terraform {\n  cloud {}\n}\n"}, summary: "Unsupported construct", detail: "HCP Terraform", at: "main.tf:2"},
		"experiments":          {files: map[string]string{"main.tf": "terraform {\n  experiments = []\n}\n"}, summary: "Unsupported construct", detail: "experiments", at: "main.tf:2"},
		"foreign provider":     {files: map[string]string{"main.tf": "\nprovider \"aws\" {}\n"}, summary: "Foreign provider", detail: `provider "aws"`, at: "main.tf:2"},
		"duplicate provider":   {files: map[string]string{"main.tf": "provider \"spice\" {}\nprovider \"spice\" {}\n"}, summary: "Duplicate provider configuration", at: "main.tf:2"},
		"duplicate variable":   {files: map[string]string{"a.tf": "variable \"v\" {}\n", "b.tf": "\n\nvariable \"v\" {}\n"}, summary: "Duplicate variable declaration", at: "b.tf:3"},
		"bad default":          {files: map[string]string{"main.tf": "variable \"n\" {\n  type    = number\n  default = \"x\"\n}\n"}, summary: "Invalid default value for variable", at: "main.tf:3"},
		"ephemeral variable":   {files: map[string]string{"main.tf": "variable \"v\" {\n  ephemeral = true\n}\n"}, summary: "Unsupported construct", detail: "ephemeral variables", at: "main.tf:2"},
		"duplicate local":      {files: map[string]string{"main.tf": "locals { a = 1 }\nlocals { a = 2 }\n"}, summary: "Duplicate local value definition", at: "main.tf:2"},
		"output without value": {files: map[string]string{"main.tf": "output \"o\" {\n}\n"}, summary: "Missing required argument", at: "main.tf:1"},
		"output precondition": {files: map[string]string{"main.tf": "output \"o\" {\n  value = 1\n  precondition {\n    condition = true\n    error_message = \"x\"\n  }\n}\n"},
			summary: "Unsupported construct", detail: "output preconditions", at: "main.tf:3"},
		"duplicate output":   {files: map[string]string{"main.tf": "output \"o\" { value = 1 }\noutput \"o\" { value = 2 }\n"}, summary: "Duplicate output definition", at: "main.tf:2"},
		"foreign resource":   {files: map[string]string{"main.tf": "\nresource \"aws_instance\" \"x\" {}\n"}, summary: "Foreign provider", detail: `provider "aws"`, at: "main.tf:2"},
		"count and for_each": {files: map[string]string{"main.tf": "resource \"spice_file\" \"x\" {\n  count    = 1\n  for_each = {}\n}\n"}, summary: `Invalid combination of "count" and "for_each"`, at: "main.tf:3"},
		"bad provider ref":   {files: map[string]string{"main.tf": "resource \"spice_file\" \"x\" {\n  provider = other.a\n}\n"}, summary: "Invalid provider reference", at: "main.tf:2"},
		"provisioner":        {files: map[string]string{"main.tf": "resource \"spice_file\" \"x\" {\n  provisioner \"local-exec\" {}\n}\n"}, summary: "Unsupported construct", detail: "provisioner blocks", at: "main.tf:2"},
		"replace_triggered_by": {files: map[string]string{"main.tf": "resource \"spice_file\" \"x\" {\n  lifecycle {\n    replace_triggered_by = []\n  }\n}\n"},
			summary: "Unsupported construct", detail: "replace_triggered_by", at: "main.tf:3"},
		"duplicate resource":      {files: map[string]string{"main.tf": "resource \"spice_file\" \"x\" {}\nresource \"spice_file\" \"x\" {}\n"}, summary: `Duplicate resource "spice_file" configuration`, at: "main.tf:2"},
		"import for_each":         {files: map[string]string{"main.tf": "import {\n  to       = spice_file.x\n  id       = \"/x\"\n  for_each = {}\n}\n"}, summary: "Unsupported construct", detail: "import for_each", at: "main.tf:4"},
		"import bad address":      {files: map[string]string{"main.tf": "import {\n  to = spice_file\n  id = \"/x\"\n}\n"}, summary: "Invalid import address", at: "main.tf:2"},
		"check assert incomplete": {files: map[string]string{"main.tf": "check \"c\" {\n  assert {\n    condition = true\n  }\n}\n"}, summary: "Missing required argument", at: "main.tf:2"},
		"module registry source":  {files: map[string]string{"main.tf": "module \"m\" {\n  source = \"hashicorp/consul/aws\"\n}\n"}, summary: "Unsupported construct", detail: "module source", at: "main.tf:1"},
		"module count":            {files: map[string]string{"main.tf": "module \"m\" {\n  source = \"./m\"\n  count  = 2\n}\n"}, summary: "Unsupported construct", detail: "module count", at: "main.tf:3"},
		"module not found":        {files: map[string]string{"main.tf": "module \"m\" {\n  source = \"./missing\"\n}\n"}, summary: "Module not found", at: "main.tf:1"},
		// Found writing FuzzLoad: three such calls in one file took two minutes.
		"module calls itself": {files: map[string]string{"main.tf": "module \"m\" {\n  source = \"./\"\n}\n"}, summary: "Module calls itself", detail: `module "m": source "./"`, at: "main.tf:1"},
		"modules call each other": {files: map[string]string{"main.tf": "module \"a\" {\n  source = \"./a\"\n}\n", "a/main.tf": "\nmodule \"back\" {\n  source = \"../\"\n}\n"},
			summary: "Module calls itself", detail: `module "back": source "../"`, at: filepath.Join("a", "main.tf") + ":2"},
		"provider in module": {files: map[string]string{"main.tf": "module \"m\" {\n  source = \"./m\"\n}\n", "m/main.tf": "\nprovider \"spice\" {}\n"},
			summary: "Unsupported construct", detail: "provider blocks inside modules", at: filepath.Join("m", "main.tf") + ":2"},
		"moved resource to module": {files: map[string]string{"main.tf": "moved {\n  from = a.b\n  to   = module.c\n}\n"}, summary: "Invalid \"moved\" addresses", detail: "both refer to resources or both refer to modules", at: "main.tf:1"},
		"moved data source":        {files: map[string]string{"main.tf": "moved {\n  from = data.a.b\n  to   = data.a.c\n}\n"}, summary: "Invalid address", detail: "not to data sources", at: "main.tf:2"},
		"moved module instance":    {files: map[string]string{"main.tf": "moved {\n  from = module.a[0]\n  to   = module.b\n}\n"}, summary: "Invalid address", detail: "module instance keys", at: "main.tf:2"},
		"removed instance":         {files: map[string]string{"main.tf": "removed {\n  from = a.b[0]\n}\n"}, summary: "Resource instance keys not allowed", at: "main.tf:2"},
		"removed provisioner":      {files: map[string]string{"main.tf": "removed {\n  from = a.b\n  provisioner \"local-exec\" {}\n}\n"}, summary: "Unsupported construct", detail: "provisioner blocks", at: "main.tf:3"},
		"syntax error":             {files: map[string]string{"main.tf": "resource \"spice_file\" \"x\" {\n  path = \n}\n"}, summary: "Invalid expression", at: "main.tf:2"},
	} {
		t.Run(name, func(t *testing.T) {
			_, diags := load(t, tc.files)
			require.True(t, diags.HasErrors(), "expected an error")
			d := diags.Errs()[0]
			var diag *hcl.Diagnostic
			require.ErrorAs(t, d, &diag)
			assert.Equal(t, tc.summary, diag.Summary)
			assert.Contains(t, diag.Detail, tc.detail)
			require.NotNil(t, diag.Subject, "the diagnostic points at the source")
			assert.Equal(t, tc.at, fmt.Sprintf("%s:%d", diag.Subject.Filename, diag.Subject.Start.Line))
		})
	}
}

// spice's source in every form Terraform or OpenTofu users write it.
func TestSpiceSourceAddresses(t *testing.T) {
	for _, source := range []string{"spice-harvester/spice", config.SpiceSource, config.OpenTofuSpiceSource} {
		_, diags := load(t, map[string]string{"main.tf": fmt.Sprintf("terraform {\n  required_providers {\n    spice = { source = %q }\n  }\n}\n", source)})
		assert.False(t, diags.HasErrors(), "%s: %s", source, diags.Error())
	}
}

func TestLoadWithoutConfiguration(t *testing.T) {
	_, diags := config.Load(t.TempDir())
	assert.Contains(t, diags.Error(), "No configuration files")

	_, diags = load(t, map[string]string{"main.tf": "", "main.tf.json": "{}"})
	assert.Contains(t, diags.Error(), "JSON configuration is not supported")
}

func TestTraversalAddress(t *testing.T) {
	for src, want := range map[string]string{
		`spice_file.x`:        "spice_file.x",
		`spice_file.x[0]`:     "spice_file.x[0]",
		`spice_file.x["a b"]`: `spice_file.x["a b"]`,
		`spice_file`:          "error",
		`spice_file.x[0].y`:   "error",
		`spice_file.x.y`:      "error",
	} {
		trav, diags := hclsyntax.ParseTraversalAbs([]byte(src), "test", hcl.Pos{Line: 1, Column: 1})
		require.False(t, diags.HasErrors(), src)
		got, err := config.TraversalAddress(trav)
		if err != nil {
			got = "error"
		}
		assert.Equal(t, want, got, src)
	}
}

func TestModeNames(t *testing.T) {
	for _, m := range []config.Mode{config.Managed, config.Data} {
		assert.Equal(t, m, config.StateMode(m.String()), "a mode survives the round trip through state")
	}
	assert.Equal(t, "managed", config.Managed.String())
	assert.Equal(t, "data", config.Data.String())
	assert.Equal(t, "data.spice_file.x", config.Data.LocalAddress("spice_file", "x"))
	assert.Equal(t, "spice_file.x", config.Managed.LocalAddress("spice_file", "x"))
	assert.Equal(t, "data source", config.Data.Noun())
	assert.Equal(t, "spice", config.ProviderKey(""))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
