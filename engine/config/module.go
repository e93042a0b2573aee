package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

// ModuleCall is a module block calling a local module.
type ModuleCall struct {
	Name   string
	Source string
	// Args are the child's input variables.
	Args map[string]*hcl.Attribute
	// Providers maps the child's provider configurations to the caller's
	// (providers = { spice = spice.oms1 }); unmapped ones are inherited.
	Providers map[string]string
	DependsOn []hcl.Traversal
	Module    *Module
	DeclRange hcl.Range
}

func (m *Module) decodeModuleCall(block *hcl.Block) hcl.Diagnostics {
	call := &ModuleCall{Name: block.Labels[0], Args: map[string]*hcl.Attribute{}, Providers: map[string]string{}, DeclRange: block.DefRange}
	attrs, diags := block.Body.JustAttributes()
	for name, attr := range attrs {
		switch name {
		case "source":
			diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &call.Source)...)
		case "version", "count", "for_each":
			diags = append(diags, unsupported("module "+name, attr.Range))
		case "depends_on":
			deps, d := decodeDependsOn(attr)
			diags = append(diags, d...)
			call.DependsOn = deps
		case "providers":
			pairs, d := hcl.ExprMap(attr.Expr)
			diags = append(diags, d...)
			for _, kv := range pairs {
				k, d1 := hcl.AbsTraversalForExpr(kv.Key)
				v, d2 := hcl.AbsTraversalForExpr(kv.Value)
				diags = append(diags, d1...)
				diags = append(diags, d2...)
				if d1.HasErrors() || d2.HasErrors() {
					continue
				}
				call.Providers[traversalKey(k)] = traversalKey(v)
			}
		default:
			call.Args[name] = attr
		}
	}
	if !strings.HasPrefix(call.Source, "./") && !strings.HasPrefix(call.Source, "../") {
		diags = append(diags, unsupported(fmt.Sprintf("module source %q (only local paths starting with ./ or ../)", call.Source), block.DefRange))
	}
	if _, dup := m.Calls[call.Name]; dup {
		return append(diags, duplicate("Duplicate module call", "module", call.Name, block.DefRange))
	}
	if !diags.HasErrors() {
		m.Calls[call.Name] = call
	}
	return diags
}

// decodeDependsOn reads a depends_on list of references (resource and
// module blocks share it).
func decodeDependsOn(attr *hcl.Attribute) ([]hcl.Traversal, hcl.Diagnostics) {
	exprs, diags := hcl.ExprList(attr.Expr)
	var deps []hcl.Traversal
	for _, e := range exprs {
		trav, d := hcl.AbsTraversalForExpr(e)
		diags = append(diags, d...)
		if !d.HasErrors() {
			deps = append(deps, trav)
		}
	}
	return deps, diags
}

// traversalKey renders spice or spice.ALIAS.
func traversalKey(t hcl.Traversal) string {
	key := t.RootName()
	if len(t) == 2 {
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			key += "." + a.Name
		}
	}
	return key
}
