package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// hostDataSource gives a data source the host of its provider
// configuration, as hostResource does for resources.
type hostDataSource struct {
	host host.Host
}

func (d *hostDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return // validation before the provider is configured
	}
	h, ok := req.ProviderData.(host.Host)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("expected host.Host, got %T", req.ProviderData))
		return
	}
	d.host = h
}
