package core

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// State names spice under Terraform's registry host or, written by
// OpenTofu, under its own; spice reads both and writes Terraform's, which
// OpenTofu reads as its own.
func TestProviderKeyFromAddress(t *testing.T) {
	for _, tc := range []struct {
		addr, want, err string
	}{
		{`provider["registry.terraform.io/spice-harvester/spice"]`, "spice", ""},
		{`provider["registry.terraform.io/spice-harvester/spice"].web`, "spice.web", ""},
		{`provider["registry.opentofu.org/spice-harvester/spice"]`, "spice", ""},
		{`provider["registry.opentofu.org/spice-harvester/spice"].web`, "spice.web", ""},
		{`provider["registry.terraform.io/hashicorp/spice"]`, "", "runs only registry.terraform.io/spice-harvester/spice"},
		{`provider["example.com/spice-harvester/spice"]`, "", "runs only"},
	} {
		key, err := providerKeyFromAddress(tc.addr)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.addr)
			continue
		}
		assert.NoError(t, err, tc.addr)
		assert.Equal(t, tc.want, key, tc.addr)
	}
	assert.Equal(t, `provider["registry.terraform.io/spice-harvester/spice"].web`, providerAddress("", "spice.web"), "spice writes Terraform's host")
	assert.Equal(t, `provider["registry.opentofu.org/spice-harvester/spice"]`, providerAddress(config.OpenTofuSpiceSource, "spice"),
		"or OpenTofu's, when the configuration names it")
}
