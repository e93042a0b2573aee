package core

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

// RedactDiagnostics hides the detail of a diagnostic that quotes a
// sensitive value: HCL names the value its expression produced in some
// errors (a 'for' expression's duplicate key), marks or not.
func RedactDiagnostics(diags hcl.Diagnostics) hcl.Diagnostics {
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		out[i] = d
		if d.Expression == nil || d.EvalContext == nil || d.Detail == "" {
			continue
		}
		v, _ := d.Expression.Value(d.EvalContext)
		if v == cty.NilVal || !funcs.ShowsSensitive(d.Detail, v) {
			continue
		}
		redacted := *d
		redacted.Detail = "The details would show a sensitive value, so they are hidden."
		out[i] = &redacted
	}
	return out
}
