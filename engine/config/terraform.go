package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

func (m *Module) decodeTerraformBlock(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "required_version"}, {Name: "experiments"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "required_providers"},
			{Type: "backend", LabelNames: []string{"type"}},
			{Type: "cloud"},
		},
	})
	if attr, ok := content.Attributes["experiments"]; ok {
		diags = append(diags, unsupported("Terraform experiments", attr.Range))
	}
	for _, b := range content.Blocks {
		switch b.Type {
		case "required_providers":
			attrs, d := b.Body.JustAttributes()
			diags = append(diags, d...)
			for name, attr := range attrs {
				diags = append(diags, m.checkRequiredProvider(name, attr)...)
			}
		case "backend":
			if b.Labels[0] != "local" {
				diags = append(diags, unsupported(fmt.Sprintf("the %q backend", b.Labels[0]), b.DefRange))
			}
		case "cloud":
			diags = append(diags, unsupported("HCP Terraform (cloud block)", b.DefRange))
		}
	}
	return diags
}

// checkRequiredProvider accepts spice, and Terraform's own provider (whose
// functions the module may then call) under any local name.
func (m *Module) checkRequiredProvider(name string, attr *hcl.Attribute) hcl.Diagnostics {
	val, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	source := name
	if val.Type().IsObjectType() && val.Type().HasAttribute("source") {
		if s := val.GetAttr("source"); s.Type() == cty.String && s.IsKnown() && !s.IsNull() {
			source = s.AsString()
		}
	}
	if source == funcs.BuiltinProviderSource {
		m.BuiltinProviders = append(m.BuiltinProviders, name)
		return nil
	}
	if name != "spice" || (source != "spice-harvester/spice" && source != SpiceSource) {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Foreign provider",
			Detail:   fmt.Sprintf("required provider %q (source %q): the spice engine runs only spice-harvester/spice as \"spice\".", name, source),
			Subject:  attr.Range.Ptr(),
		}}
	}
	return nil
}
