package core

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

// RedactDiagnostics hides the detail of a diagnostic that quotes a
// sensitive value: HCL names the value its expression produced in some
// errors (a 'for' expression's duplicate key), marks or not. files are the
// configuration's sources, by name.
func RedactDiagnostics(diags hcl.Diagnostics, files map[string]*hcl.File) hcl.Diagnostics {
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		out[i] = d
		if d.Expression == nil || d.EvalContext == nil || d.Detail == "" {
			continue
		}
		if !funcs.ShowsSensitive(d.Detail, diagnosedValues(d, files)...) {
			continue
		}
		redacted := *d
		redacted.Detail = "The details would show a sensitive value, so they are hidden."
		out[i] = &redacted
	}
	return out
}

// diagnosedValues are the values a diagnostic may quote: its expression's,
// and, for an error inside a 'for' expression, the collection's (HCL
// iterates over a sensitive collection's elements without their mark).
func diagnosedValues(d *hcl.Diagnostic, files map[string]*hcl.File) []cty.Value {
	var vals []cty.Value
	if v, _ := d.Expression.Value(d.EvalContext); v != cty.NilVal {
		vals = append(vals, v)
	}
	if d.Context == nil || files[d.Context.Filename] == nil {
		return vals
	}
	src := files[d.Context.Filename].Bytes
	if d.Context.End.Byte > len(src) || d.Context.Start.Byte > d.Context.End.Byte {
		return vals
	}
	expr, diags := hclsyntax.ParseExpression(src[d.Context.Start.Byte:d.Context.End.Byte], d.Context.Filename, d.Context.Start)
	if forExpr, ok := expr.(*hclsyntax.ForExpr); ok && !diags.HasErrors() {
		// The child context still reaches every variable of its parent.
		if coll, _ := forExpr.CollExpr.Value(d.EvalContext); coll != cty.NilVal {
			vals = append(vals, coll)
		}
	}
	return vals
}
