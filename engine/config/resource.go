package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

// Resource is a resource or data block.
type Resource struct {
	Mode        Mode
	Type        string
	Name        string
	Count       hcl.Expression
	ForEach     hcl.Expression
	ProviderKey string
	DependsOn   []hcl.Traversal
	Config      hcl.Body
	Lifecycle   Lifecycle
	DeclRange   hcl.Range
	// TypeRange is where the type label is, which an unsupported type's
	// diagnostic points at (as Terraform's).
	TypeRange hcl.Range
	// ModulePath is the Path of the module that declares the resource.
	ModulePath string
	// Check names the check block a data source is scoped to: its read
	// failures are warnings, as in Terraform.
	Check string
}

// LocalAddress is the address inside its module: TYPE.NAME or
// data.TYPE.NAME.
func (r *Resource) LocalAddress() string {
	return r.Mode.LocalAddress(r.Type, r.Name)
}

// Address is the full address without instance key, with the module path.
func (r *Resource) Address() string {
	if r.ModulePath != "" {
		return r.ModulePath + "." + r.LocalAddress()
	}
	return r.LocalAddress()
}

// Lifecycle holds the lifecycle meta-arguments.
type Lifecycle struct {
	PreventDestroy      bool
	CreateBeforeDestroy bool
	IgnoreChanges       []hcl.Traversal
	IgnoreAllChanges    bool
	Preconditions       []*Assertion
	Postconditions      []*Assertion
}

var resourceMeta = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "count"}, {Name: "for_each"}, {Name: "provider"}, {Name: "depends_on"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "lifecycle"}, {Type: "provisioner", LabelNames: []string{"type"}}, {Type: "connection"}},
}

func (m *Module) decodeResource(block *hcl.Block) hcl.Diagnostics {
	r := &Resource{Mode: Managed, Type: block.Labels[0], Name: block.Labels[1], ProviderKey: "spice", DeclRange: block.DefRange, TypeRange: block.LabelRanges[0]}
	if block.Type == "data" {
		r.Mode = Data
	}
	var diags hcl.Diagnostics
	if !strings.HasPrefix(r.Type, "spice_") {
		providerName, _, _ := strings.Cut(r.Type, "_")
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Foreign provider",
			Detail:   fmt.Sprintf("%s %q belongs to provider %q; the spice engine runs only the spice provider.", block.Type, r.Type, providerName),
			Subject:  block.LabelRanges[0].Ptr(),
		})
	}
	content, rest, d := block.Body.PartialContent(resourceMeta)
	diags = append(diags, d...)
	r.Config = rest
	if attr, ok := content.Attributes["count"]; ok {
		r.Count = attr.Expr
	}
	if attr, ok := content.Attributes["for_each"]; ok {
		r.ForEach = attr.Expr
		if r.Count != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: `Invalid combination of "count" and "for_each"`,
				Detail: "a resource takes count or for_each, not both.", Subject: attr.NameRange.Ptr()})
		}
	}
	if attr, ok := content.Attributes["provider"]; ok {
		trav, d := hcl.AbsTraversalForExpr(attr.Expr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if trav.RootName() != "spice" || len(trav) > 2 {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid provider reference",
					Detail: "provider must be spice or spice.ALIAS.", Subject: attr.Expr.Range().Ptr()})
			}
			r.ProviderKey = traversalKey(trav)
		}
	}
	if attr, ok := content.Attributes["depends_on"]; ok {
		deps, d := decodeDependsOn(attr)
		diags = append(diags, d...)
		r.DependsOn = deps
	}
	for _, b := range content.Blocks {
		switch b.Type {
		case "lifecycle":
			diags = append(diags, decodeLifecycle(b, &r.Lifecycle)...)
		default:
			diags = append(diags, unsupported(b.Type+" blocks", b.DefRange))
		}
	}
	for _, other := range m.Resources {
		if other.Address() == r.Address() {
			return append(diags, duplicate(fmt.Sprintf("Duplicate %s %q configuration", block.Type, r.Type), block.Type, r.Address(), block.DefRange))
		}
	}
	m.Resources = append(m.Resources, r)
	return diags
}

func decodeLifecycle(block *hcl.Block, lc *Lifecycle) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "prevent_destroy"}, {Name: "create_before_destroy"}, {Name: "ignore_changes"}, {Name: "replace_triggered_by"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "precondition"}, {Type: "postcondition"}},
	})
	if attr, ok := content.Attributes["prevent_destroy"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &lc.PreventDestroy)...)
	}
	if attr, ok := content.Attributes["create_before_destroy"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &lc.CreateBeforeDestroy)...)
	}
	if attr, ok := content.Attributes["ignore_changes"]; ok {
		if kw := hcl.ExprAsKeyword(attr.Expr); kw == "all" {
			lc.IgnoreAllChanges = true
		} else {
			exprs, d := hcl.ExprList(attr.Expr)
			diags = append(diags, d...)
			for _, e := range exprs {
				trav, d := hcl.RelTraversalForExpr(e)
				diags = append(diags, d...)
				lc.IgnoreChanges = append(lc.IgnoreChanges, trav)
			}
		}
	}
	if attr, ok := content.Attributes["replace_triggered_by"]; ok {
		diags = append(diags, unsupported("replace_triggered_by", attr.Range))
	}
	for _, b := range content.Blocks {
		a, d := decodeAssertion(b)
		diags = append(diags, d...)
		if a == nil {
			continue
		}
		if b.Type == "precondition" {
			lc.Preconditions = append(lc.Preconditions, a)
		} else {
			lc.Postconditions = append(lc.Postconditions, a)
		}
	}
	return diags
}
