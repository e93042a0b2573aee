package config

import (
	"github.com/hashicorp/hcl/v2"
)

// Local is one named value of a locals block.
type Local struct {
	Name string
	Expr hcl.Expression
}

func (m *Module) decodeLocals(block *hcl.Block) hcl.Diagnostics {
	attrs, diags := block.Body.JustAttributes()
	for name, attr := range attrs {
		if _, dup := m.Locals[name]; dup {
			diags = append(diags, duplicate("Duplicate local value definition", "local value", name, attr.Range))
			continue
		}
		m.Locals[name] = &Local{Name: name, Expr: attr.Expr}
	}
	return diags
}
