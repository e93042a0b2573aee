package provider

import (
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
	"github.com/spice-harvester/terraform-provider-spice/terminusdb"
)

// terminusdbSettings says where a host's TerminusDB listens and as whom
// spice signs in: the provider's terminusdb block, and the same attributes
// on each TerminusDB resource, which win when set.
type terminusdbSettings struct {
	URL      types.String `tfsdk:"url"`
	Username types.String `tfsdk:"username"`
	Password types.String `tfsdk:"password"`
}

const (
	terminusdbURLDescription      = "TerminusDB's base URL as the host sees it (`http://` or `https://`). Default `" + terminusdb.DefaultURL + "`."
	terminusdbUsernameDescription = "The user spice signs in as (HTTP basic authentication). Default `" + terminusdb.DefaultUsername + "`."
	terminusdbPasswordDescription = "That user's password (sensitive; never printed, kept in state only as this attribute)."
)

func terminusdbSettingsAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"url": schema.StringAttribute{Optional: true, MarkdownDescription: terminusdbURLDescription,
			Validators: []validator.String{spiceschema.HealthURL()}},
		"username": schema.StringAttribute{Optional: true, MarkdownDescription: terminusdbUsernameDescription},
		"password": schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: terminusdbPasswordDescription},
	}
}

// over is s with the attributes that o sets.
func (s terminusdbSettings) over(o terminusdbSettings) terminusdbSettings {
	if known(o.URL) {
		s.URL = o.URL
	}
	if known(o.Username) {
		s.Username = o.Username
	}
	if known(o.Password) {
		s.Password = o.Password
	}
	return s
}

// client is a TerminusDB client made by the host of hc with the provider's
// settings, overridden by the resource's own.
func (hc *hostContext) terminusdbClient(own terminusdbSettings) (*terminusdb.Client, error) {
	if hc.imageMode() {
		return nil, errors.New("the provider manages an image (root " + hc.host.Root() + "): no TerminusDB is running there to ask")
	}
	s := hc.terminusdb.over(own)
	if !known(s.Password) {
		return nil, errors.New("no TerminusDB password: set password in the provider's terminusdb block or on the resource")
	}
	return terminusdb.New(hc.host, stringOr(s.URL, terminusdb.DefaultURL), stringOr(s.Username, terminusdb.DefaultUsername), s.Password.ValueString())
}
