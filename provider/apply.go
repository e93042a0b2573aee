package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// applyPlan is Create and Update of a resource whose two are alike: read
// the plan into a model, converge the host, save the model. converge may
// add warnings; its error is reported under summary and nothing is saved.
func applyPlan[M any](ctx context.Context, planned tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics, summary string, converge func(context.Context, *M) (diag.Diagnostics, error)) {
	var m M
	diags.Append(planned.Get(ctx, &m)...)
	if diags.HasError() {
		return
	}
	warnings, err := converge(ctx, &m)
	diags.Append(warnings...)
	if err != nil {
		diags.AddError(summary, err.Error())
		return
	}
	diags.Append(state.Set(ctx, &m)...)
}
