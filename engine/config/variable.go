package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/zclconf/go-cty/cty"
)

// Variable is an input variable declaration.
type Variable struct {
	Name        string
	Description string
	Type        cty.Type
	Defaults    *typeexpr.Defaults
	Default     cty.Value // cty.NilVal when there is none
	Sensitive   bool
	Nullable    bool
	Validations []*Validation
	DeclRange   hcl.Range
}

// Validation is a variable's validation block.
type Validation struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	DeclRange    hcl.Range
}

func (m *Module) decodeVariable(block *hcl.Block) hcl.Diagnostics {
	name := block.Labels[0]
	content, diags := block.Body.Content(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"}, {Name: "nullable"}, {Name: "ephemeral"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "validation"}},
	})
	v := &Variable{Name: name, Type: cty.DynamicPseudoType, Nullable: true, DeclRange: block.DefRange}
	if attr, ok := content.Attributes["type"]; ok {
		ty, defaults, d := typeexpr.TypeConstraintWithDefaults(attr.Expr)
		diags = append(diags, d...)
		v.Type, v.Defaults = ty, defaults
	}
	if attr, ok := content.Attributes["description"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.Description)...)
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.Sensitive)...)
	}
	if attr, ok := content.Attributes["nullable"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.Nullable)...)
	}
	if attr, ok := content.Attributes["ephemeral"]; ok {
		diags = append(diags, unsupported("ephemeral variables", attr.Range))
	}
	if attr, ok := content.Attributes["default"]; ok {
		val, d := attr.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			conv, err := ConvertVariable(v, val)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid default value for variable",
					Detail: fmt.Sprintf("variable %q: %s", name, err), Subject: attr.Expr.Range().Ptr()})
			}
			v.Default = conv
		}
	}
	for _, vb := range content.Blocks {
		vc, d := vb.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "condition", Required: true}, {Name: "error_message", Required: true}}})
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		v.Validations = append(v.Validations, &Validation{Condition: vc.Attributes["condition"].Expr, ErrorMessage: vc.Attributes["error_message"].Expr, DeclRange: vb.DefRange})
	}
	if _, dup := m.Variables[name]; dup {
		return append(diags, duplicate("Duplicate variable declaration", "variable", name, block.DefRange))
	}
	m.Variables[name] = v
	return diags
}

// ConvertVariable applies a variable's type constraint and optional
// attribute defaults to a value.
func ConvertVariable(v *Variable, val cty.Value) (cty.Value, error) {
	if v.Defaults != nil {
		val = v.Defaults.Apply(val)
	}
	return convertType(val, v.Type)
}
