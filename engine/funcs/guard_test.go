package funcs

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// fakePanicFunc panics on every call, as a buggy function would.
var fakePanicFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl:   func([]cty.Value, cty.Type) (cty.Value, error) { panic("index out of range") },
})

// A panic becomes a diagnostic naming the call, without a stack trace.
func TestGuardedPanic(t *testing.T) {
	expr, diags := hclsyntax.ParseExpression([]byte(`boom("x")`), "t.tf", hcl.InitialPos)
	require.False(t, diags.HasErrors())
	_, diags = expr.Value(&hcl.EvalContext{Functions: map[string]function.Function{"boom": guarded("boom", fakePanicFunc)}})
	require.True(t, diags.HasErrors())
	assert.Contains(t, diags.Error(), `Call to function "boom" failed`)
	assert.Contains(t, diags.Error(), "index out of range")
	assert.NotContains(t, diags.Error(), "goroutine")
}

// An error quoting a sensitive argument is replaced; others pass as
// they are.
func TestGuardedSensitive(t *testing.T) {
	err := guardError("tonumber", []cty.Value{cty.StringVal("s3cret").Mark(Sensitive)}, function.NewArgErrorf(0, `cannot convert "s3cret" to number`))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
	var argErr function.ArgError
	assert.ErrorAs(t, err, &argErr)

	nested := cty.ObjectVal(map[string]cty.Value{"k": cty.ListVal([]cty.Value{cty.NumberIntVal(4242).Mark(Sensitive)})})
	assert.NotContains(t, guardError("f", []cty.Value{nested}, function.NewArgErrorf(0, "bad 4242")).Error(), "4242")
	assert.Equal(t, "plain", guardError("f", []cty.Value{nested}, function.NewArgErrorf(0, "plain")).Error())
}
