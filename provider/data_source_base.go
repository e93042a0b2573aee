package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// dataSourceBase gives a data source the host context of its provider
// configuration, as resourceBase does for resources.
type dataSourceBase struct {
	*hostContext
}

func (d *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.hostContext = hostContextFrom(req.ProviderData, &resp.Diagnostics)
}

// hostContextFrom is the host context a configured provider hands its
// resources and data sources; nil before configuration (validation runs
// unconfigured).
func hostContextFrom(providerData any, diags *diag.Diagnostics) *hostContext {
	if providerData == nil {
		return nil
	}
	hc, ok := providerData.(*hostContext)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *hostContext, got %T", providerData))
	}
	return hc
}
