package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// hostDataSource gives a data source the host of its provider
// configuration, as hostResource does for resources.
type hostDataSource struct {
	host host.Host
}

func (d *hostDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.host = hostFrom(req.ProviderData, &resp.Diagnostics)
}

// hostFrom is the host a configured provider hands its resources and data
// sources; nil before configuration (validation runs unconfigured).
func hostFrom(providerData any, diags *diag.Diagnostics) host.Host {
	if providerData == nil {
		return nil
	}
	h, ok := providerData.(host.Host)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected host.Host, got %T", providerData))
	}
	return h
}
