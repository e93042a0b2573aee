package watch

import (
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// typeOf is the resource type of an instance address
// ([module.NAME.]TYPE.NAME[KEY]).
func typeOf(addr string) string {
	for strings.HasPrefix(addr, "module.") {
		parts := strings.SplitN(addr, ".", 3)
		if len(parts) < 3 {
			return ""
		}
		addr = parts[2]
	}
	typ, _, _ := strings.Cut(addr, ".")
	return typ
}

// attr is an object's attribute, null when v is no object or lacks it.
func attr(v cty.Value, name string) cty.Value {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() || !v.Type().IsObjectType() || !v.Type().HasAttribute(name) {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	a, _ := v.GetAttr(name).Unmark()
	return a
}

// stringAttr is a string attribute, "" when null or unknown.
func stringAttr(v cty.Value, name string) string {
	a := attr(v, name)
	if !a.IsKnown() || a.IsNull() || a.Type() != cty.String {
		return ""
	}
	return a.AsString()
}
