// Package ctyattr reads attributes of object values from state and plans,
// where a value may be null, unknown, marked, or not an object at all.
package ctyattr

import "github.com/zclconf/go-cty/cty"

// Get is an object's attribute, null when v is no object or lacks it.
func Get(v cty.Value, name string) cty.Value {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() || !v.Type().IsObjectType() || !v.Type().HasAttribute(name) {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	a, _ := v.GetAttr(name).Unmark()
	return a
}

// String is a string attribute, "" when null, unknown or not a string.
func String(v cty.Value, name string) string {
	a := Get(v, name)
	if !a.IsKnown() || a.IsNull() || a.Type() != cty.String {
		return ""
	}
	return a.AsString()
}
