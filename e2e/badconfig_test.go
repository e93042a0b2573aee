package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// badConfigs are configurations the engine must refuse: exit 1, a
// diagnostic naming main.tf and the line, nothing changed on disk or in
// state. Line numbers count from the provider block, which is lines 1-3.
var badConfigs = []struct {
	name, body string
	line       int
	want       string
}{
	{"syntax: missing brace", "resource \"spice_file\" \"x\" {\n  path = \"/a\"\n", 4, "Unclosed configuration block"},
	{"syntax: bad token", "resource \"spice_file\" \"x\" {\n  path = \"/a\" ]\n}\n", 5, ""},
	{"unknown block", "widget \"x\" {}\n", 4, "Unsupported block type"},
	{"unknown attribute", "resource \"spice_file\" \"x\" {\n  path = \"/a\"\n  content = \"\"\n  colour = \"red\"\n}\n", 7, "Unsupported argument"},
	{"missing required attribute", "resource \"spice_file\" \"x\" {\n  content = \"a\"\n}\n", 4, "Missing required argument"},
	{"wrong type", "resource \"spice_secret\" \"x\" {\n  length = \"many\"\n}\n", 5, "Incorrect attribute value type"},
	{"wrong map type", "resource \"spice_env_file\" \"x\" {\n  path = \"/a\"\n  variables = \"A=1\"\n}\n", 6, "Incorrect attribute value type"},
	{"read-only attribute", "resource \"spice_file\" \"x\" {\n  path = \"/a\"\n  content = \"\"\n  sha256 = \"00\"\n}\n", 7, "Invalid Configuration for Read-Only Attribute"},
	{"unknown resource type", "resource \"spice_widget\" \"x\" {}\n", 4, "does not support resource type"},
	{"foreign resource", "resource \"aws_instance\" \"x\" {}\n", 4, "belongs to provider \"aws\""},
	{"foreign provider block", "provider \"aws\" {}\n", 4, "runs only the spice provider"},
	{"foreign required provider", "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n", 6, "Foreign provider"},
	{"undeclared resource", "resource \"spice_file\" \"x\" {\n  path = spice_directory.nope.path\n  content = \"\"\n}\n", 5, "Reference to undeclared resource"},
	{"undeclared variable", "resource \"spice_file\" \"x\" {\n  path = var.nope\n  content = \"\"\n}\n", 5, "Reference to undeclared input variable"},
	{"undeclared local", "resource \"spice_file\" \"x\" {\n  path = local.nope\n  content = \"\"\n}\n", 5, "Reference to undeclared local value"},
	{"cycle", "resource \"spice_file\" \"a\" {\n  path = \"/a\"\n  content = spice_file.b.sha256\n}\nresource \"spice_file\" \"b\" {\n  path = \"/b\"\n  content = spice_file.a.sha256\n}\n", 4, "dependency cycle"},
	{"relative path", "resource \"spice_file\" \"x\" {\n  path = \"etc/x\"\n  content = \"\"\n}\n", 5, "path must be absolute"},
	{"bad mode", "resource \"spice_directory\" \"x\" {\n  path = \"/a\"\n  mode = \"rwx\"\n}\n", 6, "not an octal file mode"},
	{"two contents", "resource \"spice_file\" \"x\" {\n  path = \"/a\"\n  content = \"a\"\n  sensitive_content = \"b\"\n}\n", 0, "Exactly one of these attributes"},
	{"env newline", "resource \"spice_env_file\" \"x\" {\n  path = \"/a\"\n  variables = { A = \"1\\n2\" }\n}\n", 6, "line break"},
	{"secret too short", "resource \"spice_secret\" \"x\" {\n  length = 4\n}\n", 5, "between 16 and 1024"},
	{"bad encoding", "resource \"spice_secret\" \"x\" {\n  encoding = \"rot13\"\n}\n", 5, "value must be one of"},
	{"remote module", "module \"m\" {\n  source = \"git::https://example.com/m.git\"\n}\n", 4, "only local paths"},
	{"missing module", "module \"m\" {\n  source = \"./nowhere\"\n}\n", 4, "is not a directory"},
	{"provisioner", "resource \"spice_file\" \"x\" {\n  path = \"/a\"\n  content = \"\"\n  provisioner \"local-exec\" {}\n}\n", 7, "provisioner blocks"},
	{"remote backend", "terraform {\n  backend \"s3\" {}\n}\n", 5, "the \"s3\" backend"},
	{"count and for_each", "resource \"spice_file\" \"x\" {\n  count = 1\n  for_each = {}\n  path = \"/a\"\n  content = \"\"\n}\n", 6, "count or for_each, not both"},
	{"unknown function", "resource \"spice_file\" \"x\" {\n  path = \"/a\"\n  content = nosuchfunc(1)\n}\n", 6, "Call to unknown function"},
	{"bad count", "resource \"spice_file\" \"x\" {\n  count = -1\n  path = \"/a\"\n  content = \"\"\n}\n", 5, "non-negative whole number"},
	{"variable type", "variable \"n\" {\n  type = number\n  default = \"x\"\n}\n", 6, "Invalid default value"},
	{"missing variable", "variable \"needed\" {\n  type = string\n}\n", 4, "No value for required variable"},
	{"duplicate resource", "resource \"spice_secret\" \"x\" {}\nresource \"spice_secret\" \"x\" {}\n", 5, "Duplicate resource"},
	{"sensitive output", "resource \"spice_secret\" \"x\" {}\noutput \"s\" {\n  value = spice_secret.x.result\n}\n", 5, "Output refers to sensitive values"},
}

func TestEngineRefusesBadConfigurations(t *testing.T) {
	require.GreaterOrEqual(t, len(badConfigs), 30)
	bin := testsupport.BuildBinary(t)
	for _, tc := range badConfigs {
		t.Run(tc.name, func(t *testing.T) {
			root, work := t.TempDir(), t.TempDir()
			cfg := fmt.Sprintf("provider \"spice\" {\n  root = %q\n}\n", root) + tc.body
			require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644))
			spice := testsupport.NewSpice(t, work, bin)
			for _, cmd := range [][]string{{"validate"}, {"plan"}, {"apply", "-auto-approve"}} {
				out, code := spice.Run(cmd...)
				if cmd[0] == "validate" && code == 0 {
					continue // some refusals need variables or the plan
				}
				assert.Equal(t, 1, code, "%s: %s", cmd[0], out)
				if tc.line > 0 {
					assert.Contains(t, out, fmt.Sprintf("main.tf:%d:", tc.line), "%s names file and line", cmd[0])
				}
				if tc.want != "" {
					assert.Contains(t, strings.Join(strings.Fields(out), " "), tc.want, cmd[0])
				}
			}
			entries, err := os.ReadDir(root)
			require.NoError(t, err)
			assert.Empty(t, entries, "a refused configuration changed the host")
			assert.NoFileExists(t, filepath.Join(work, "terraform.tfstate"), "a refused configuration wrote state")
		})
	}
}
