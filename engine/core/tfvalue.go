package core

import (
	"math/big"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
)

// The provider's in-process methods (PlansNoChange, ReadInProcess,
// ValidatesClean) take and return tftypes values. Converting a value
// directly spares the msgpack encoding and decoding on each side, which
// cost a converged plan a fifth of its CPU. Only what those methods' types
// are made of converts: primitives and objects of them. ok=false for
// anything else, and the engine takes the protocol's way.

// tfValue converts v, a value of the type t describes, to tftypes.
func tfValue(v cty.Value, t tftypes.Type) (tftypes.Value, bool) {
	// Level by level: UnmarkDeep copies every object, marked or not.
	v, _ = v.Unmark()
	switch {
	case !v.IsKnown():
		return tftypes.NewValue(t, tftypes.UnknownValue), true
	case v.IsNull():
		return tftypes.NewValue(t, nil), true
	}
	switch ty := v.Type(); {
	case ty == cty.String && t.Equal(tftypes.String):
		return tftypes.NewValue(t, v.AsString()), true
	case ty == cty.Bool && t.Equal(tftypes.Bool):
		return tftypes.NewValue(t, v.True()), true
	case ty == cty.Number && t.Equal(tftypes.Number):
		return tftypes.NewValue(t, v.AsBigFloat()), true
	case ty.IsObjectType():
		ot, ok := t.(tftypes.Object)
		if !ok || len(ot.OptionalAttributes) > 0 || len(ot.AttributeTypes) != len(ty.AttributeTypes()) {
			return tftypes.Value{}, false
		}
		attrs := make(map[string]tftypes.Value, len(ot.AttributeTypes))
		for name, at := range ot.AttributeTypes {
			if !ty.HasAttribute(name) {
				return tftypes.Value{}, false
			}
			if attrs[name], ok = tfValue(v.GetAttr(name), at); !ok {
				return tftypes.Value{}, false
			}
		}
		return tftypes.NewValue(t, attrs), true
	}
	return tftypes.Value{}, false
}

// ctyValue converts v to a value of type ty.
func ctyValue(v tftypes.Value, ty cty.Type) (cty.Value, bool) {
	switch {
	case !v.IsKnown():
		return cty.UnknownVal(ty), true
	case v.IsNull():
		return cty.NullVal(ty), true
	}
	switch {
	case ty == cty.String:
		var s string
		if v.As(&s) != nil {
			return cty.NilVal, false
		}
		return cty.StringVal(s), true
	case ty == cty.Bool:
		var b bool
		if v.As(&b) != nil {
			return cty.NilVal, false
		}
		return cty.BoolVal(b), true
	case ty == cty.Number:
		f := new(big.Float)
		if v.As(&f) != nil {
			return cty.NilVal, false
		}
		return cty.NumberVal(f), true
	case ty.IsObjectType():
		var attrs map[string]tftypes.Value
		if v.As(&attrs) != nil || len(attrs) != len(ty.AttributeTypes()) {
			return cty.NilVal, false
		}
		vals := make(map[string]cty.Value, len(attrs))
		for name, aty := range ty.AttributeTypes() {
			a, present := attrs[name]
			if !present {
				return cty.NilVal, false
			}
			var ok bool
			if vals[name], ok = ctyValue(a, aty); !ok {
				return cty.NilVal, false
			}
		}
		return cty.ObjectVal(vals), true
	}
	return cty.NilVal, false
}

// unmarkDeepWithPaths is cty's UnmarkDeepWithPaths without its cost where
// there is nothing to unmark: cty copies every object it walks, and a
// plan unmarks each instance's configuration, thousands of times.
func unmarkDeepWithPaths(v cty.Value) (cty.Value, []cty.PathValueMarks) {
	if !mayContainMarks(v) {
		return v, nil
	}
	return v.UnmarkDeepWithPaths()
}

// mayContainMarks is false when v holds no mark: it looks into objects
// and primitives itself, and leaves anything else to cty's walk.
func mayContainMarks(v cty.Value) bool {
	switch ty := v.Type(); {
	case v.IsMarked():
		return true
	case ty.IsPrimitiveType() || v.IsNull() || !v.IsKnown():
		return false
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			if mayContainMarks(v.GetAttr(name)) {
				return true
			}
		}
		return false
	}
	return v.ContainsMarked()
}
