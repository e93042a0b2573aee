package provider

import "github.com/hashicorp/terraform-plugin-framework/types"

// Framework values: null, unknown or known.

// knowable is any framework value.
type knowable interface {
	IsNull() bool
	IsUnknown() bool
}

// known tells a value that is neither null nor unknown.
func known(v knowable) bool { return !v.IsNull() && !v.IsUnknown() }

// stringOr is the configured value, or the fallback (an environment
// variable) when the attribute is unset.
func stringOr(v types.String, fallback string) string {
	if known(v) && v.ValueString() != "" {
		return v.ValueString()
	}
	return fallback
}
