package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/engine/state"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// requiredProviders names the engine's registry host, as an OpenTofu user
// who mixes spice and tofu writes it (see TestJSONPlanMatchesTerraform).
var requiredProviders = "terraform {\n  required_providers {\n    spice = { source = \"" + testsupport.ProviderHost() + "/spice-harvester/spice\" }\n  }\n}\n"

// verbsConfig has values of every shape the console and output formats
// know: strings (one multi-line), numbers, bools, null, lists, maps,
// objects, count and for_each resources, a sensitive variable and output,
// a required variable, a module output and a resource never applied.
const verbsConfig = `
variable "name" {
  type    = string
  default = "motd"
}
variable "token" {
  type      = string
  default   = "hunter2"
  sensitive = true
}
variable "ports" {
  type    = map(number)
  default = { a = 1, b = 2 }
}
variable "required" {
  type = string
}
locals {
  files = { for k, p in var.ports : k => "/etc/${k}.conf" }
}
resource "spice_file" "motd" {
  path    = "/etc/${var.name}"
  content = "hello\nworld\n"
}
resource "spice_file" "many" {
  for_each = local.files
  path     = each.value
  content  = "port ${var.ports[each.key]}\n"
}
resource "spice_file" "counted" {
  count   = 2
  path    = "/etc/c${count.index}"
  content = ""
}
module "half" {
  source = "./half"
  n      = 21
}
output "path" {
  value = spice_file.motd.path
}
output "paths" {
  value = [for f in spice_file.many : f.path]
}
output "obj" {
  value = { n = 1, b = true, s = "x", l = [1, 2], m = tomap({ k = "v" }), nested = { z = null } }
}
output "text" {
  value = "two\nlines"
}
output "secret" {
  value     = var.token
  sensitive = true
}
output "num" {
  value = 3.5
}
output "flag" {
  value = true
}
output "none" {
  value = null
}
`

// Applied by Terraform, read by both: output -json/-raw, console on a
// pipe and providers schema -json print what Terraform prints, and taint
// and untaint mark the state as Terraform's do.
func TestVerbsAsTerraform(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	root, work := t.TempDir(), t.TempDir()
	cfg := requiredProviders + fmt.Sprintf("provider \"spice\" {\n  root = %q\n}\n", root) + verbsConfig
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(work, "half"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(work, "half", "main.tf"), []byte(requiredProviders+
		"variable \"n\" {\n  type = number\n}\noutput \"double\" {\n  value = var.n * 2\n}\n"), 0o644))
	tf := testsupport.NewTerraformMirrored(t, work, bin)
	spice := testsupport.NewSpice(t, work, bin)
	tf.MustRun(0, "init")
	tf.MustRun(0, "apply", "-auto-approve", "-var=required=r")
	// Declared after the apply: in no state, known only after apply.
	require.NoError(t, os.WriteFile(filepath.Join(work, "later.tf"), []byte(
		"resource \"spice_file\" \"later\" {\n  path    = \"/etc/later\"\n  content = \"x\"\n}\n"), 0o644))

	t.Run("output", func(t *testing.T) {
		for _, args := range [][]string{
			{}, {"-json"}, {"-json", "obj"}, {"-json", "secret"}, {"-json", "none"}, {"text"},
			{"-raw", "path"}, {"-raw", "num"}, {"-raw", "secret"}, {"-raw", "text"},
			{"-raw", "obj"}, {"-raw", "none"}, {"-raw"}, {"-json", "missing"}, {"-raw", "-json", "path"},
		} {
			args := append([]string{"output"}, args...)
			want, wantCode := tf.Output(args...)
			got, code := spice.Output(args...)
			assert.Equal(t, wantCode, code, "%q: exit code", args)
			assert.Equal(t, want, got, "%q: stdout", args)
		}
	})

	t.Run("console", func(t *testing.T) {
		for _, tc := range []struct{ input, vars string }{
			{"[spice_file.motd, spice_file.many, [for f in spice_file.counted : f.path], module.half.double, module.half]", "-var=required=r"},
			{"{ v = var.ports, t = var.token, l = local.files, s = toset([\"b\", \"a\"]), n = tostring(null) }", "-var=required=r"},
			{"[spice_file.later.path, var.required]", "-var-file=vars.tfvars"},
			{"var.required", ""},         // unset: unknown, not an error
			{"1\nupper(var.name)\n", ""}, // a pipe prints the last result
			{"1\nexit\n2\n", ""},         // exit ends it
			{"var.nope", ""},             // an error: exit 1
			{"1 +", ""},                  // a syntax error
		} {
			if strings.Count(strings.TrimSuffix(tc.input, "\n"), "\n") > 0 && onOpenTofu() {
				continue // OpenTofu prints every line's result on a pipe; Terraform, and spice, the last
			}
			require.NoError(t, os.WriteFile(filepath.Join(work, "vars.tfvars"), []byte("required = \"from file\"\n"), 0o644))
			args := []string{"console"}
			if tc.vars != "" {
				args = append(args, tc.vars)
			}
			want, wantCode := piped(t, tf, tc.input, args...)
			got, code := piped(t, spice, tc.input, args...)
			assert.Equal(t, wantCode, code, "%q: exit code", tc.input)
			assert.Equal(t, want, got, "%q: stdout", tc.input)
		}
	})

	t.Run("providers schema", func(t *testing.T) {
		var want, got tfjson.ProviderSchemas
		require.NoError(t, json.Unmarshal([]byte(tf.Stdout("providers", "schema", "-json")), &want))
		require.NoError(t, json.Unmarshal([]byte(spice.Stdout("providers", "schema", "-json")), &got))
		require.NoError(t, got.Validate(), "terraform-json accepts it")
		require.Contains(t, got.Schemas, testsupport.ProviderHost()+"/spice-harvester/spice")
		assert.NotEmpty(t, got.Schemas[testsupport.ProviderHost()+"/spice-harvester/spice"].ResourceSchemas)
		assert.Equal(t, want, got)
	})

	t.Run("taint and untaint", func(t *testing.T) {
		const addr = "spice_file.motd"
		require.NoError(t, os.Remove(filepath.Join(work, "later.tf")))
		status := func() string {
			t.Helper()
			st, err := state.Read(filepath.Join(work, "terraform.tfstate"))
			require.NoError(t, err)
			_, inst := st.Lookup(addr)
			require.NotNil(t, inst)
			return inst.Status
		}
		spice.MustRun(0, "taint", addr)
		assert.Equal(t, state.StatusTainted, status())
		tf.MustRun(0, "plan", "-var=required=r", "-out=tainted.plan")
		var plan struct {
			ResourceChanges []struct {
				Address      string `json:"address"`
				ActionReason string `json:"action_reason"`
				Change       struct {
					Actions tfjson.Actions `json:"actions"`
				} `json:"change"`
			} `json:"resource_changes"`
		}
		require.NoError(t, json.Unmarshal([]byte(tf.Stdout("show", "-json", "tainted.plan")), &plan))
		replaced := map[string]string{}
		for _, rc := range plan.ResourceChanges {
			if rc.Change.Actions.Replace() {
				replaced[rc.Address] = rc.ActionReason
			}
		}
		assert.Equal(t, map[string]string{addr: "replace_because_tainted"}, replaced,
			"Terraform replaces what spice tainted, and only that")
		spice.MustRun(2, "plan", "-var=required=r", "-detailed-exitcode")

		spice.MustRun(0, "untaint", addr)
		assert.Equal(t, "", status())
		spice.MustRun(1, "untaint", addr) // not tainted any more
		tf.MustRun(1, "untaint", addr)

		tf.MustRun(0, "taint", addr)
		spice.MustRun(0, "untaint", addr)
		tf.MustRun(0, "plan", "-var=required=r", "-detailed-exitcode")

		for _, args := range [][]string{{"taint", "spice_file.nope"}, {"taint", "-allow-missing", "spice_file.nope"}, {"untaint", "-allow-missing", "spice_file.nope"}} {
			_, wantCode := tf.Run(args...)
			_, code := spice.Run(args...)
			assert.Equal(t, wantCode, code, "%q", args)
		}
	})
}

// piped runs a console with input on a pipe, as a script does, and
// returns its stdout and exit code.
func piped(t *testing.T, r *testsupport.Runner, input string, args ...string) (string, int) {
	t.Helper()
	cmd := r.Command(args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(input+"\n"), &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return stdout.String(), exit.ExitCode()
	case err != nil:
		t.Fatalf("%v: %v", args, err)
	}
	return stdout.String(), 0
}

// validateParity names the badConfigs whose validate -json has
// Terraform's diagnostics: the same severities, summaries, ranges and
// snippets (details are worded by each tool). The others are refusals of
// spice's own (foreign providers, remote modules) or found at plan time.
var validateParity = []string{
	"syntax: missing brace", "unknown block", "unknown attribute",
	"missing required attribute", "wrong type", "read-only attribute", "unknown resource type",
	"undeclared resource", "count and for_each", "duplicate resource",
}

// openTofuValidateDifferences are the configurations where OpenTofu's
// validate -json differs from Terraform's, which spice follows; under
// make testacc-tofu they are not compared.
var openTofuValidateDifferences = map[string]string{
	"count and for_each": "OpenTofu ranges the diagnostic over count, Terraform over for_each",
}

// onOpenTofu tells whether the engine under test is OpenTofu (make
// testacc-tofu).
func onOpenTofu() bool { return testsupport.ProviderHost() == testsupport.OpenTofuRegistryHost }

func TestValidateJSONAsTerraform(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	work := t.TempDir()
	main := filepath.Join(work, "main.tf")
	require.NoError(t, os.WriteFile(main, []byte(requiredProviders), 0o644))
	tf := testsupport.NewTerraformMirrored(t, work, bin)
	spice := testsupport.NewSpice(t, work, bin)
	tf.MustRun(0, "init")

	bodies := map[string]string{
		"valid": "resource \"spice_file\" \"x\" {\n  path    = \"/a\"\n  content = \"\"\n}\n",
		"three errors in three blocks": "resource \"spice_file\" \"a\" {\n  path    = \"/etc/a\"\n  content = var.missing\n}\n" +
			"resource \"spice_file\" \"b\" {\n  path  = \"/etc/b\"\n  bogus = 1\n}\noutput \"x\" {\n  value = spice_file.nope.path\n}\n",
	}
	for _, name := range validateParity {
		i := slicesIndex(name)
		require.GreaterOrEqual(t, i, 0, "badConfigs has %q", name)
		bodies[name] = badConfigs[i].body
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			if _, differs := openTofuValidateDifferences[name]; differs && onOpenTofu() {
				t.Skip(openTofuValidateDifferences[name])
			}
			require.NoError(t, os.WriteFile(main, []byte(requiredProviders+body), 0o644))
			want, wantCode := tf.Output("validate", "-json")
			got, code := spice.Output("validate", "-json")
			assert.Equal(t, wantCode, code, "exit code")
			assert.Equal(t, validateShape(t, want), validateShape(t, got))
		})
	}
}

func slicesIndex(name string) int {
	for i, c := range badConfigs {
		if c.name == name {
			return i
		}
	}
	return -1
}

// validateResult is validate -json without the words each tool chooses
// (detail) and the expression values Terraform lists in snippets.
type validateResult struct {
	FormatVersion string `json:"format_version"`
	Valid         bool   `json:"valid"`
	ErrorCount    int    `json:"error_count"`
	WarningCount  int    `json:"warning_count"`
	Diagnostics   []struct {
		Severity string          `json:"severity"`
		Summary  string          `json:"summary"`
		Range    json.RawMessage `json:"range"`
		Snippet  *struct {
			Context              *string `json:"context"`
			Code                 string  `json:"code"`
			StartLine            int     `json:"start_line"`
			HighlightStartOffset int     `json:"highlight_start_offset"`
			HighlightEndOffset   int     `json:"highlight_end_offset"`
		} `json:"snippet"`
	} `json:"diagnostics"`
}

// validateShape decodes validate -json strictly enough to catch a missing
// field, with the diagnostics in a stable order (each tool has its own).
func validateShape(t *testing.T, out string) validateResult {
	t.Helper()
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &fields), out)
	for _, f := range []string{"format_version", "valid", "error_count", "warning_count", "diagnostics"} {
		require.Contains(t, fields, f, out)
	}
	var r validateResult
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	sort.Slice(r.Diagnostics, func(i, j int) bool {
		a, b := r.Diagnostics[i], r.Diagnostics[j]
		return a.Severity+a.Summary+string(a.Range) < b.Severity+b.Summary+string(b.Range)
	})
	return r
}
