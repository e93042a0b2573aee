package core

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"
)

// statePathsOf is what an instance's sensitive_attributes holds, written
// as Terraform writes it: a sensitive attribute inside a nested block is
// marked per block element (offsite[0].private_key), and an empty or
// absent block marks nothing. Schema.Sensitive marks such a block whole,
// which is right for redacting output but, written to the state, makes
// Terraform see a change of sensitivity and plan an update of a resource
// spice just applied. Paths marked by the configuration (a sensitive
// variable) are kept as they are.
func statePathsOf(schema *Schema, v cty.Value, sensitive []cty.Path) []cty.Path {
	out := schemaValuePaths(schema.Proto.Block, v, nil)
	for _, p := range sensitive {
		if !containsPath(schema.Sensitive, p) && !containsPath(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// schemaValuePaths mirrors Terraform's configschema Block.ValueMarks: every
// sensitive attribute of b (null ones too), and those of each element of
// its nested blocks.
func schemaValuePaths(b *tfprotov6.SchemaBlock, v cty.Value, at cty.Path) []cty.Path {
	var out []cty.Path
	for _, a := range b.Attributes {
		if a.Sensitive {
			out = append(out, at.Copy().GetAttr(a.Name))
		}
	}
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() {
		return out
	}
	for _, nb := range b.BlockTypes {
		if !v.Type().HasAttribute(nb.TypeName) {
			continue
		}
		bv := v.GetAttr(nb.TypeName)
		if bv.IsNull() || !bv.IsKnown() {
			continue
		}
		blockPath := at.Copy().GetAttr(nb.TypeName)
		switch nb.Nesting {
		case tfprotov6.SchemaNestedBlockNestingModeSingle, tfprotov6.SchemaNestedBlockNestingModeGroup:
			out = append(out, schemaValuePaths(nb.Block, bv, blockPath)...)
		default:
			for it := bv.ElementIterator(); it.Next(); {
				key, ev := it.Element()
				out = append(out, schemaValuePaths(nb.Block, ev, blockPath.Copy().Index(key))...)
			}
		}
	}
	return out
}

func containsPath(paths []cty.Path, p cty.Path) bool {
	for _, q := range paths {
		if q.Equals(p) {
			return true
		}
	}
	return false
}
