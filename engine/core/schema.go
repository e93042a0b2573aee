package core

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Schema is one resource type's (or the provider's) schema as the engine
// uses it: derived from GetProviderSchema, never declared a second time.
type Schema struct {
	Proto *tfprotov6.Schema
	Spec  hcldec.ObjectSpec
	Type  cty.Type
	// TF is Type as tftypes, for the provider's in-process methods.
	TF tftypes.Type
	// Sensitive lists the attribute paths the provider marks sensitive.
	Sensitive []cty.Path
	// ReadOnly lists computed attributes that configuration cannot set.
	ReadOnly []string
}

// NewSchema derives the decoder spec and value type from a protocol schema.
func NewSchema(s *tfprotov6.Schema) (*Schema, error) {
	spec, sensitive, err := blockSpec(s.Block, nil)
	if err != nil {
		return nil, err
	}
	out := &Schema{Proto: s, Spec: spec, Type: hcldec.ImpliedType(spec), TF: s.ValueType(), Sensitive: sensitive}
	for _, a := range s.Block.Attributes {
		if a.Computed && !a.Optional && !a.Required {
			out.ReadOnly = append(out.ReadOnly, a.Name)
		}
	}
	sort.Strings(out.ReadOnly)
	return out, nil
}

func blockSpec(b *tfprotov6.SchemaBlock, at cty.Path) (hcldec.ObjectSpec, []cty.Path, error) {
	spec := hcldec.ObjectSpec{}
	var sensitive []cty.Path
	for _, a := range b.Attributes {
		if a.NestedType != nil {
			return nil, nil, fmt.Errorf("attribute %s: nested attribute types are not supported by the engine yet", a.Name)
		}
		ty, err := ctyType(a.Type)
		if err != nil {
			return nil, nil, fmt.Errorf("attribute %s: %w", a.Name, err)
		}
		spec[a.Name] = &hcldec.AttrSpec{Name: a.Name, Type: ty, Required: a.Required}
		if a.Sensitive {
			sensitive = append(sensitive, at.Copy().GetAttr(a.Name))
		}
	}
	for _, nb := range b.BlockTypes {
		inner, innerSensitive, err := blockSpec(nb.Block, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("block %s: %w", nb.TypeName, err)
		}
		if len(innerSensitive) > 0 {
			// Whole block redacted: simpler than tracking element paths.
			sensitive = append(sensitive, at.Copy().GetAttr(nb.TypeName))
		}
		switch nb.Nesting {
		case tfprotov6.SchemaNestedBlockNestingModeSingle, tfprotov6.SchemaNestedBlockNestingModeGroup:
			spec[nb.TypeName] = &hcldec.BlockSpec{TypeName: nb.TypeName, Nested: inner, Required: nb.MinItems > 0}
		case tfprotov6.SchemaNestedBlockNestingModeList:
			spec[nb.TypeName] = &hcldec.BlockListSpec{TypeName: nb.TypeName, Nested: inner, MinItems: int(nb.MinItems), MaxItems: int(nb.MaxItems)}
		case tfprotov6.SchemaNestedBlockNestingModeSet:
			spec[nb.TypeName] = &hcldec.BlockSetSpec{TypeName: nb.TypeName, Nested: inner, MinItems: int(nb.MinItems), MaxItems: int(nb.MaxItems)}
		case tfprotov6.SchemaNestedBlockNestingModeMap:
			spec[nb.TypeName] = &hcldec.BlockMapSpec{TypeName: nb.TypeName, Nested: inner, LabelNames: []string{"key"}}
		default:
			return nil, nil, fmt.Errorf("block %s: nesting mode %v is not supported", nb.TypeName, nb.Nesting)
		}
	}
	return spec, sensitive, nil
}

// ctyType converts a protocol type. Primitives and collections are
// mapped directly: decoding every attribute's type from JSON was a third
// of the CPU of a small plan. Anything else (objects with optional
// attributes) takes the exact path: tftypes and cty share the JSON type
// notation, so one round trip through it is exact.
func ctyType(t tftypes.Type) (cty.Type, error) {
	switch tt := t.(type) {
	case tftypes.List:
		elem, err := ctyType(tt.ElementType)
		return cty.List(elem), err
	case tftypes.Set:
		elem, err := ctyType(tt.ElementType)
		return cty.Set(elem), err
	case tftypes.Map:
		elem, err := ctyType(tt.ElementType)
		return cty.Map(elem), err
	case tftypes.Tuple:
		elems := make([]cty.Type, len(tt.ElementTypes))
		for i, e := range tt.ElementTypes {
			var err error
			if elems[i], err = ctyType(e); err != nil {
				return cty.NilType, err
			}
		}
		return cty.Tuple(elems), nil
	case tftypes.Object:
		if len(tt.OptionalAttributes) > 0 {
			break
		}
		attrs := make(map[string]cty.Type, len(tt.AttributeTypes))
		for name, a := range tt.AttributeTypes {
			var err error
			if attrs[name], err = ctyType(a); err != nil {
				return cty.NilType, err
			}
		}
		return cty.Object(attrs), nil
	}
	switch {
	case t == nil:
		return cty.NilType, fmt.Errorf("no type")
	case t.Equal(tftypes.String):
		return cty.String, nil
	case t.Equal(tftypes.Number):
		return cty.Number, nil
	case t.Equal(tftypes.Bool):
		return cty.Bool, nil
	case t.Equal(tftypes.DynamicPseudoType):
		return cty.DynamicPseudoType, nil
	}
	return ctyTypeFromJSON(t)
}

// ctyTypeFromJSON converts a type through the JSON type notation, which
// tftypes shares with cty (tftypes marks MarshalJSON as its own, hence
// the interface).
func ctyTypeFromJSON(t interface{ MarshalJSON() ([]byte, error) }) (cty.Type, error) {
	b, err := t.MarshalJSON()
	if err != nil {
		return cty.NilType, err
	}
	return ctyjson.UnmarshalType(b)
}

// Decode evaluates a configuration body against the schema and refuses
// values for read-only attributes, naming where they were set.
func (s *Schema) Decode(body hcl.Body, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	val, diags := hcldec.Decode(body, s.Spec, ctx)
	if diags.HasErrors() {
		return cty.NullVal(s.Type), diags
	}
	for _, name := range s.ReadOnly {
		if v := val.GetAttr(name); !v.IsNull() {
			rng := hcldec.SourceRange(body, s.Spec[name])
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid Configuration for Read-Only Attribute",
				Detail:   fmt.Sprintf("%q is computed by the provider and cannot be set in configuration.", name),
				Subject:  rng.Ptr(),
			})
		}
	}
	return val, diags
}
