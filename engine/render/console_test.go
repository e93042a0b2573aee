package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

// The cases e2e/verbs_test.go cannot easily produce from a state: typed
// nulls, heredoc delimiters that clash with a line, nested sensitive and
// unknown values. Expected texts are Terraform 1.11's (repl.FormatValue).
func TestConsoleValue(t *testing.T) {
	for _, tc := range []struct {
		val  cty.Value
		want string
	}{
		{cty.NullVal(cty.DynamicPseudoType), `null`},
		{cty.NullVal(cty.String), `tostring(null)`},
		{cty.NullVal(cty.List(cty.String)), `tolist(null) /* of string */`},
		{cty.NullVal(cty.Set(cty.Number)), `toset(null) /* of number */`},
		{cty.NullVal(cty.Map(cty.Bool)), `tomap(null) /* of bool */`},
		{cty.NullVal(cty.Object(map[string]cty.Type{"a": cty.Bool})), `null /* object */`},
		{cty.NumberFloatVal(123456789.01), `123456789.01`},
		{cty.StringVal("EOR\nEOS\nEOT\nEOU"), "<<EOT_\nEOR\nEOS\nEOT\nEOU\nEOT_"},
		{cty.ObjectVal(map[string]cty.Value{"foo": cty.StringVal("boop\nbeep")}), "{\n  \"foo\" = <<-EOT\n  boop\n  beep\n  EOT\n}"},
		{cty.MapValEmpty(cty.String), `tomap({})`},
		{cty.SetValEmpty(cty.String), `toset([])`},
		{cty.StringVal("hunter2").Mark(funcs.Sensitive), `(sensitive value)`},
		{cty.TupleVal([]cty.Value{cty.StringVal("hunter2").Mark(funcs.Sensitive), cty.UnknownVal(cty.String)}),
			"[\n  (sensitive value),\n  (known after apply),\n]"},
	} {
		assert.Equal(t, tc.want, ConsoleValue(tc.val), "%#v", tc.val)
	}
}
