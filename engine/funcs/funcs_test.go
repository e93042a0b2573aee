package funcs_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

func TestLibrary(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "unit.tpl"), []byte("ExecStart=${bin} --port ${port}\n%{ for w in workers }${w} %{ endfor }"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "data.txt"), []byte("hello"), 0o644))
	fns := funcs.Library(dir)
	for expr, want := range map[string]string{
		`yamlencode({ server = { port = 8000 } })`:                                        "\"server\":\n  \"port\": 8000\n",
		`jsonencode({ a = [1, 2] })`:                                                      `{"a":[1,2]}`,
		`templatefile("unit.tpl", { bin = "/usr/bin/x", port = 8002, workers = [1, 2] })`: "ExecStart=/usr/bin/x --port 8002\n1 2 ",
		`file("data.txt")`:                             "hello",
		`tostring(fileexists("data.txt"))`:             "true",
		`sha256("abc")`:                                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		`base64encode("spice")`:                        "c3BpY2U=",
		`cidrhost("10.0.0.0/24", 5)`:                   "10.0.0.5",
		`try(tostring(var_missing), "fallback")`:       "fallback",
		`tostring(can(regex("^[0-9]+$", "123")))`:      "true",
		`tostring(length("héllo"))`:                    "5",
		`replace("a-b-c", "/-/", "_")`:                 "a_b_c",
		`tostring(startswith("spice_file", "spice_"))`: "true",
		`upper(join(",", ["a", "b"]))`:                 "A,B",
		`tostring(sum([1, 2, 3]))`:                     "6",
		`yamldecode("a: 1").a == 1 ? "yes" : "no"`:     "yes",
	} {
		e, diags := hclsyntax.ParseExpression([]byte(expr), "test.tf", hcl.Pos{Line: 1, Column: 1})
		require.False(t, diags.HasErrors(), "%s: %s", expr, diags)
		v, diags := e.Value(&hcl.EvalContext{Functions: fns, Variables: map[string]cty.Value{}})
		require.False(t, diags.HasErrors(), "%s: %s", expr, diags)
		assert.Equal(t, want, v.AsString(), expr)
	}
}

func TestSensitiveMarks(t *testing.T) {
	fns := funcs.Library(t.TempDir())
	v, err := fns["sensitive"].Call([]cty.Value{cty.StringVal("x")})
	require.NoError(t, err)
	assert.True(t, v.HasMark(funcs.Sensitive))
	v, err = fns["nonsensitive"].Call([]cty.Value{v})
	require.NoError(t, err)
	assert.False(t, v.IsMarked())
}
