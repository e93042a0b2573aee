package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

// Output is an output block.
type Output struct {
	Name        string
	Description string
	Expr        hcl.Expression
	Sensitive   bool
	DeclRange   hcl.Range
}

func (m *Module) decodeOutput(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "value", Required: true}, {Name: "description"}, {Name: "sensitive"}, {Name: "depends_on"}, {Name: "ephemeral"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "precondition"}},
	})
	if diags.HasErrors() {
		return diags
	}
	o := &Output{Name: block.Labels[0], Expr: content.Attributes["value"].Expr, DeclRange: block.DefRange}
	if attr, ok := content.Attributes["description"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &o.Description)...)
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &o.Sensitive)...)
	}
	for name, what := range map[string]string{"ephemeral": "ephemeral outputs"} {
		if attr, ok := content.Attributes[name]; ok {
			diags = append(diags, unsupported(what, attr.Range))
		}
	}
	for _, b := range content.Blocks {
		diags = append(diags, unsupported("output preconditions", b.DefRange))
	}
	if _, dup := m.Outputs[o.Name]; dup {
		return append(diags, duplicate("Duplicate output definition", "output", o.Name, block.DefRange))
	}
	m.Outputs[o.Name] = o
	return diags
}
