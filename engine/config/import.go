package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Import is an import block: adopt an existing object into state.
type Import struct {
	To        string // instance address, e.g. spice_file.x or spice_file.x["a"]
	ToRange   hcl.Range
	ID        hcl.Expression
	DeclRange hcl.Range
}

func (m *Module) decodeImport(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "to", Required: true}, {Name: "id", Required: true}, {Name: "provider"}, {Name: "for_each"}, {Name: "identity"}}})
	if diags.HasErrors() {
		return diags
	}
	for _, name := range []string{"for_each", "identity", "provider"} {
		if attr, ok := content.Attributes[name]; ok {
			diags = append(diags, unsupported("import "+name, attr.Range))
		}
	}
	to := content.Attributes["to"]
	trav, d := hcl.AbsTraversalForExpr(to.Expr)
	diags = append(diags, d...)
	if d.HasErrors() {
		return diags
	}
	addr, err := TraversalAddress(trav)
	if err != nil {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid import address", Detail: err.Error(), Subject: to.Expr.Range().Ptr()})
	}
	m.Imports = append(m.Imports, &Import{To: addr, ToRange: to.Expr.Range(), ID: content.Attributes["id"].Expr, DeclRange: block.DefRange})
	return diags
}

// TraversalAddress renders a resource instance reference such as
// spice_file.x["a"] as an address.
func TraversalAddress(trav hcl.Traversal) (string, error) {
	if len(trav) < 2 {
		return "", fmt.Errorf("expected TYPE.NAME, optionally with an index")
	}
	name, ok := trav[1].(hcl.TraverseAttr)
	if !ok {
		return "", fmt.Errorf("expected TYPE.NAME")
	}
	addr := trav.RootName() + "." + name.Name
	if len(trav) == 3 {
		idx, ok := trav[2].(hcl.TraverseIndex)
		if !ok {
			return "", fmt.Errorf("expected an index after TYPE.NAME")
		}
		switch {
		case idx.Key.Type() == cty.String:
			addr += fmt.Sprintf("[%q]", idx.Key.AsString())
		case idx.Key.Type() == cty.Number:
			addr += "[" + idx.Key.AsBigFloat().Text('f', -1) + "]"
		default:
			return "", fmt.Errorf("an index must be a number or a string")
		}
	} else if len(trav) > 3 {
		return "", fmt.Errorf("expected TYPE.NAME, optionally with an index")
	}
	return addr, nil
}
