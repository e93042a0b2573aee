package config

import (
	"fmt"
	"math/big"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Address is a parsed address as moved, removed, -target and -replace
// name objects: a module call (module.a.module.b), a resource (with its
// module path) or one resource instance.
type Address struct {
	Module string // "" for the root module, else module.A(.module.B)
	// Type and Name are empty for a module address.
	Mode       Mode
	Type, Name string
	// Key is the instance key: nil, int64 (count) or string (for_each).
	Key any
	// Instance is set when the address has an index, or when it must be
	// read as the one instance of a resource without count or for_each.
	Instance bool
}

// IsModule reports an address of a module call, not of a resource.
func (a Address) IsModule() bool { return a.Type == "" }

// Resource is the resource address, without instance key.
func (a Address) Resource() string {
	if a.IsModule() {
		return a.Module
	}
	local := a.Mode.LocalAddress(a.Type, a.Name)
	if a.Module != "" {
		return a.Module + "." + local
	}
	return local
}

// String renders the address as Terraform does.
func (a Address) String() string {
	if !a.Instance {
		return a.Resource()
	}
	return a.Resource() + KeyString(a.Key)
}

// In is the address seen from the root: a relative one (a moved block's,
// in a module) prefixed with the declaring module's path.
func (a Address) In(module string) Address {
	if module != "" {
		a.Module = joinModule(module, a.Module)
	}
	return a
}

func joinModule(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	}
	return parent + "." + child
}

// KeyString renders an instance key as addresses show it: [0], ["a"], or
// nothing without a key.
func KeyString(key any) string {
	switch k := key.(type) {
	case nil:
		return ""
	case string:
		return "[" + strconv.Quote(k) + "]"
	case int64:
		return "[" + strconv.FormatInt(k, 10) + "]"
	case float64:
		return "[" + strconv.FormatInt(int64(k), 10) + "]"
	}
	return fmt.Sprintf("[%v]", key)
}

// ParseAddress reads an address given on the command line (-target,
// -replace).
func ParseAddress(s string) (Address, error) {
	trav, diags := hclsyntax.ParseTraversalAbs([]byte(s), "", hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return Address{}, fmt.Errorf("%q is not a valid address: %w", s, diags.Errs()[0])
	}
	a, err := TraversalToAddress(trav)
	if err != nil {
		return Address{}, fmt.Errorf("%q is not a valid address: %w", s, err)
	}
	return a, nil
}

// TraversalToAddress reads [module.NAME.]...[data.]TYPE.NAME[KEY], or a
// module path alone.
func TraversalToAddress(trav hcl.Traversal) (Address, error) {
	var a Address
	names := make([]string, 0, len(trav))
	var index *hcl.TraverseIndex
	for i, step := range trav {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			names = append(names, s.Name)
		case hcl.TraverseAttr:
			if index != nil {
				if len(names) >= 2 && names[len(names)-2] == "module" {
					return a, fmt.Errorf("module instance keys are not supported: spice modules have no count or for_each")
				}
				return a, fmt.Errorf("an instance key must come last")
			}
			names = append(names, s.Name)
		case hcl.TraverseIndex:
			if index != nil || i == 0 {
				return a, fmt.Errorf("unexpected index")
			}
			idx := s
			index = &idx
		default:
			return a, fmt.Errorf("unexpected %T", step)
		}
	}
	for len(names) >= 2 && names[0] == "module" {
		a.Module = joinModule(a.Module, "module."+names[1])
		names = names[2:]
	}
	if len(names) == 0 {
		if index != nil {
			return a, fmt.Errorf("module instance keys are not supported: spice modules have no count or for_each")
		}
		return a, nil
	}
	if names[0] == "data" {
		a.Mode, names = Data, names[1:]
	}
	if len(names) != 2 {
		return a, fmt.Errorf("expected [module.NAME.]TYPE.NAME, optionally with an instance key")
	}
	a.Type, a.Name = names[0], names[1]
	if index != nil {
		a.Instance = true
		switch k := index.Key; {
		case k.Type() == cty.String:
			a.Key = k.AsString()
		case k.Type() == cty.Number:
			n, acc := k.AsBigFloat().Int64()
			if acc != big.Exact || n < 0 {
				return a, fmt.Errorf("a count index must be a whole number")
			}
			a.Key = n
		default:
			return a, fmt.Errorf("an instance key must be a number or a string")
		}
	}
	return a, nil
}

// Moved is a moved block: objects in state at From now belong at To.
// Both addresses are relative to the module that declares the block.
type Moved struct {
	From, To  Address
	DeclRange hcl.Range
}

// Removed is a removed block: From (a resource or a module call, relative
// to the declaring module) is no longer in the configuration; Destroy
// false forgets its objects instead of destroying them.
type Removed struct {
	From      Address
	Destroy   bool
	DeclRange hcl.Range
}

func (m *Module) decodeMoved(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "from", Required: true}, {Name: "to", Required: true}}})
	if diags.HasErrors() {
		return diags
	}
	from, d := endpoint(content.Attributes["from"], "moved")
	diags = append(diags, d...)
	to, d := endpoint(content.Attributes["to"], "moved")
	diags = append(diags, d...)
	if diags.HasErrors() {
		return diags
	}
	if from.IsModule() != to.IsModule() {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid \"moved\" addresses",
			Detail: "The \"from\" and \"to\" addresses must either both refer to resources or both refer to modules.", Subject: block.DefRange.Ptr()})
	}
	// As Terraform unifies the two ends: a resource address facing an
	// instance address is that resource's instance without key.
	if from.Instance || to.Instance {
		from.Instance, to.Instance = true, true
	}
	m.Moved = append(m.Moved, &Moved{From: from, To: to, DeclRange: block.DefRange})
	return diags
}

func (m *Module) decodeRemoved(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "from", Required: true}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "lifecycle"}, {Type: "provisioner", LabelNames: []string{"type"}}, {Type: "connection"}},
	})
	if diags.HasErrors() {
		return diags
	}
	from, d := endpoint(content.Attributes["from"], "removed")
	diags = append(diags, d...)
	if d.HasErrors() {
		return diags
	}
	if from.Instance {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Resource instance keys not allowed",
			Detail:  "Resource address must be a resource (e.g. \"test_instance.foo\"), not a resource instance (e.g. \"test_instance.foo[1]\").",
			Subject: content.Attributes["from"].Expr.Range().Ptr()})
	}
	r := &Removed{From: from, Destroy: true, DeclRange: block.DefRange}
	for _, b := range content.Blocks {
		switch b.Type {
		case "lifecycle":
			lc, d := b.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "destroy"}}})
			diags = append(diags, d...)
			if attr, ok := lc.Attributes["destroy"]; ok {
				diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &r.Destroy)...)
			}
		default:
			diags = append(diags, unsupported(b.Type+" blocks in removed blocks", b.DefRange))
		}
	}
	m.Removed = append(m.Removed, r)
	return diags
}

// endpoint reads the address of a moved or removed block's from or to.
func endpoint(attr *hcl.Attribute, block string) (Address, hcl.Diagnostics) {
	trav, diags := hcl.AbsTraversalForExpr(attr.Expr)
	if diags.HasErrors() {
		return Address{}, diags
	}
	a, err := TraversalToAddress(trav)
	if err == nil && a.Mode == Data {
		err = fmt.Errorf("%s blocks apply to managed resources and modules, not to data sources", block)
	}
	if err != nil {
		return a, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid address", Detail: err.Error(), Subject: attr.Expr.Range().Ptr()}}
	}
	return a, nil
}
