package funcs_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

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
	fns := funcs.Library(dir, time.Now())
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
	fns := funcs.Library(t.TempDir(), time.Now())
	v, err := fns["sensitive"].Call([]cty.Value{cty.StringVal("x")})
	require.NoError(t, err)
	assert.True(t, v.HasMark(funcs.Sensitive))
	v, err = fns["nonsensitive"].Call([]cty.Value{v})
	require.NoError(t, err)
	assert.False(t, v.IsMarked())
}

// eval evaluates expr with the library of dir.
func eval(t *testing.T, dir, expr string) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	e, diags := hclsyntax.ParseExpression([]byte(expr), "test.tf", hcl.Pos{Line: 1, Column: 1})
	require.False(t, diags.HasErrors(), "%s: %s", expr, diags)
	return e.Value(&hcl.EvalContext{Functions: funcs.Library(dir, time.Now()), Variables: map[string]cty.Value{
		"tmpl": cty.StringVal("Hello, ${name}!"),
	}})
}

// Values Terraform 1.11.4 gives for the functions spice implements itself.
func TestTerraformSemantics(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bytes.bin"), []byte{0, 0xff, 0xfe}, 0o644))
	for expr, want := range map[string]cty.Value{
		`length("🇺🇸")`:                                cty.NumberIntVal(1),
		`length("\r\n")`:                              cty.NumberIntVal(1),
		`lookup({a = "ay"}, "a")`:                     cty.StringVal("ay"),
		`lookup({a = "ay"}, "c", null)`:               cty.NullVal(cty.DynamicPseudoType),
		`lookup(tomap({a = 1}), "b", 2)`:              cty.NumberIntVal(2),
		`one([])`:                                     cty.NullVal(cty.DynamicPseudoType),
		`one(toset(["x"]))`:                           cty.StringVal("x"),
		`sum([10, 13, 6, 4.5])`:                       cty.NumberFloatVal(33.5),
		`alltrue([])`:                                 cty.True,
		`alltrue([null])`:                             cty.False,
		`anytrue(["false", "true"])`:                  cty.True,
		`anytrue([null])`:                             cty.False,
		`base64gzip("test")`:                          cty.StringVal("H4sIAAAAAAAA/ypJLS4BAAAA//8BAAD//wx+f9gEAAAA"),
		`base64sha256("hello world")`:                 cty.StringVal("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="),
		`textencodebase64("Hello World", "UTF-16LE")`: cty.StringVal("SABlAGwAbABvACAAVwBvAHIAbABkAA=="),
		`textdecodebase64("6Q==", "ISO-8859-1")`:      cty.StringVal("é"),
		`filesha256("bytes.bin")`:                     cty.StringVal("d590f90f7944340fb253f0c59cb89fd41d4ec255ff246f524f8f7c94f0a233e5"),
		`timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00-01:00")`: cty.NumberIntVal(0),
		`cidrhost("010.001.0.0/16", 1)`:                                cty.StringVal("10.1.0.1"),
		`templatestring(tmpl, {name = "Jodie"})`:                       cty.StringVal("Hello, Jodie!"),
		`issensitive(sensitive(1))`:                                    cty.True,
		`issensitive([sensitive(1)])`:                                  cty.False,
		`core::upper("x")`:                                             cty.StringVal("X"),
	} {
		got, diags := eval(t, dir, expr)
		if assert.False(t, diags.HasErrors(), "%s: %s", expr, diags) {
			assert.True(t, want.RawEquals(got), "%s: got %#v, want %#v", expr, got, want)
		}
	}
}

// Expressions Terraform 1.11.4 refuses; the refusal names the call, shows
// no Go panic and no sensitive value.
func TestRefusals(t *testing.T) {
	for _, expr := range []string{
		`sum([])`, `sum({a = 1, b = 2})`, `sum([1, null])`, `one({a = 1})`, `one("ab")`,
		`transpose({a = ["x", null]})`, `lookup({a = "ay"}, "c")`, `cidrnetmask("fd00::/72")`,
		`signum(0.5)`, `templatestring("${x}", {x = 1})`, `templatestring(tmpl, {"1a" = 1, name = 2})`,
		`tonumber(sensitive(upper("leak")))`, `parseint(sensitive(upper("leak")), 10)`,
	} {
		_, diags := eval(t, t.TempDir(), expr)
		require.True(t, diags.HasErrors(), expr)
		text := diags.Error()
		assert.NotContains(t, text, "goroutine", expr)
		assert.NotContains(t, text, "LEAK", expr)
	}
}
