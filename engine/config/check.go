package config

import (
	"github.com/hashicorp/hcl/v2"
)

// Check is a check block: assertions reported as warnings.
type Check struct {
	Name      string
	Asserts   []*Assertion
	DeclRange hcl.Range
}

// Assertion is a condition with its error message (check assert blocks,
// lifecycle preconditions and postconditions).
type Assertion struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	DeclRange    hcl.Range
}

func decodeAssertion(b *hcl.Block) (*Assertion, hcl.Diagnostics) {
	c, diags := b.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "condition", Required: true}, {Name: "error_message", Required: true}}})
	if diags.HasErrors() {
		return nil, diags
	}
	return &Assertion{Condition: c.Attributes["condition"].Expr, ErrorMessage: c.Attributes["error_message"].Expr, DeclRange: b.DefRange}, diags
}

func (m *Module) decodeCheck(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "assert"}, {Type: "data", LabelNames: []string{"type", "name"}}}})
	c := &Check{Name: block.Labels[0], DeclRange: block.DefRange}
	for _, b := range content.Blocks {
		if b.Type == "data" {
			d := m.decodeResource(b)
			diags = append(diags, d...)
			if !d.HasErrors() {
				m.Resources[len(m.Resources)-1].Check = c.Name
			}
			continue
		}
		a, d := decodeAssertion(b)
		diags = append(diags, d...)
		if a != nil {
			c.Asserts = append(c.Asserts, a)
		}
	}
	m.Checks = append(m.Checks, c)
	return diags
}
