package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

// Provider is a provider block.
type Provider struct {
	Alias     string
	Config    hcl.Body
	DeclRange hcl.Range
}

// Key is how resources name this configuration: spice or spice.ALIAS.
func (p *Provider) Key() string { return ProviderKey(p.Alias) }

// ProviderKey names a provider configuration by alias.
func ProviderKey(alias string) string {
	if alias == "" {
		return "spice"
	}
	return "spice." + alias
}

func (m *Module) decodeProvider(block *hcl.Block) hcl.Diagnostics {
	if block.Labels[0] != "spice" {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Foreign provider",
			Detail:   fmt.Sprintf("provider %q: the spice engine runs only the spice provider.", block.Labels[0]),
			Subject:  block.LabelRanges[0].Ptr(),
		}}
	}
	content, rest, diags := block.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "alias"}, {Name: "version"}}})
	p := &Provider{Config: rest, DeclRange: block.DefRange}
	if attr, ok := content.Attributes["alias"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &p.Alias)...)
	}
	if _, dup := m.Providers[p.Key()]; dup {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate provider configuration",
			Detail: fmt.Sprintf("provider %s is configured twice.", p.Key()), Subject: block.DefRange.Ptr()})
	}
	m.Providers[p.Key()] = p
	return diags
}
