package config_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// configSeeds are the examples' configuration files and the formatter's
// spice corpus: every block kind the engine reads.
func configSeeds(f *testing.F, patterns ...string) [][]byte {
	var seeds [][]byte
	for _, pattern := range patterns {
		names, err := filepath.Glob(pattern)
		if err != nil || len(names) == 0 {
			f.Fatalf("no seeds match %s: %v", pattern, err)
		}
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, b)
		}
	}
	return seeds
}

// FuzzLoad: whatever a configuration file holds, Load does not panic and
// ends (a module calling itself once made it run for hours); it either
// reports an error or returns a module, and loading the same directory
// again reports the same diagnostics.
func FuzzLoad(f *testing.F) {
	for _, s := range configSeeds(f, "../../examples/*/*/*.tf", "../../examples/*/*.tf", "../format/testdata/corpus/spice/*.tf") {
		f.Add(s)
	}
	f.Add([]byte("module \"a\" {\n  source = \"./\"\n}\nmodule \"b\" {\n  source = \"./m\"\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		m, diags := config.Load(dir)
		if !diags.HasErrors() && m == nil {
			t.Fatal("no module and no error")
		}
		_, again := config.Load(dir)
		if first, second := diagnosticTexts(diags), diagnosticTexts(again); !slices.Equal(first, second) {
			t.Fatalf("loading twice reports\n%q\nthen\n%q", first, second)
		}
	})
}

// diagnosticTexts are the diagnostics as sorted text: module calls load in
// map order.
func diagnosticTexts(diags hcl.Diagnostics) []string {
	texts := make([]string, len(diags))
	for i, d := range diags {
		texts[i] = d.Error()
	}
	slices.Sort(texts)
	return texts
}

// variablesModule declares a variable of every kind of type constraint;
// all have defaults, so any one may be left unset.
const variablesModule = `
variable "s" { default = "x" }
variable "n" {
  type    = number
  default = 1
  validation {
    condition     = var.n < 100
    error_message = "n must be below 100."
  }
}
variable "b" {
  type    = bool
  default = false
}
variable "l" {
  type    = list(string)
  default = []
}
variable "m" {
  type     = map(number)
  default  = {}
  nullable = false
}
variable "o" {
  type    = object({ name = string, port = optional(number, 8000), tags = optional(set(string)) })
  default = { name = "oms" }
}
variable "t" {
  type    = tuple([string, number])
  default = ["a", 1]
}
variable "a" {
  type    = any
  default = null
}
variable "secret" {
  type      = string
  default   = ""
  sensitive = true
}
`

// FuzzVariableValues: whatever terraform.tfvars and a -var argument hold,
// resolving the variables does not panic; it reports an error or gives
// every declared variable a value of its declared type, and resolving
// again gives the same values.
func FuzzVariableValues(f *testing.F) {
	for _, s := range configSeeds(f, "../format/testdata/corpus/spice/*.tfvars") {
		f.Add(s, "n=42")
	}
	for _, s := range []string{
		"s = \"y\"\nn = 99\nb = true\nl = [\"a\", 1]\nm = { a = 1, b = \"2\" }\no = { name = \"bff\", tags = [\"x\", \"x\"] }\nt = [1, \"2\"]\na = { deep = [[1]] }\n",
		"n = 100\n", "m = null\n", "o = { port = 1 }\n", "undeclared = 1\n", "n = \"forty\"\n", "n = var.s\n", "n = upper(\"x\")\n",
		"l = [for x in [1] : x]\n", "block {}\n", "s = <<EOT\nheredoc\nEOT\n", "a = 1e999999\n", "n = -0\n",
	} {
		f.Add([]byte(s), "o={ name = \"x\" }")
	}
	f.Add([]byte{}, "l=[\"a\"")
	f.Add([]byte{}, "novalue")
	f.Add([]byte{}, "t=[\"a\", 1, 2]")
	f.Fuzz(func(t *testing.T, tfvars []byte, arg string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(variablesModule), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "terraform.tfvars"), tfvars, 0o644); err != nil {
			t.Fatal(err)
		}
		m, diags := config.Load(dir)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		args := []config.VarArg{{Value: arg}}
		vals, diags := m.VariableValues(args)
		if diags.HasErrors() {
			return
		}
		if len(vals) != len(m.Variables) {
			t.Fatalf("%d values for %d variables", len(vals), len(m.Variables))
		}
		for name, v := range m.Variables {
			val, _ := vals[name].Unmark()
			if !val.IsNull() && val.Type().TestConformance(v.Type.WithoutOptionalAttributesDeep()) != nil {
				t.Fatalf("variable %s holds a %s, declared %s", name, val.Type().FriendlyName(), v.Type.FriendlyName())
			}
		}
		again, _ := m.VariableValues(args)
		for name, val := range vals {
			if !again[name].RawEquals(val) {
				t.Fatalf("variable %s resolves to %#v, then %#v", name, val, again[name])
			}
		}
	})
}
