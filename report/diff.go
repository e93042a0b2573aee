package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// SensitiveValue stands for any value that is, or holds, a secret.
const SensitiveValue = "(sensitive value)"

// maxValueLen is how long a rendered value may get before it is cut: a
// finding names the difference, it does not reproduce a file.
const maxValueLen = 80

// Diff lists the attributes in which actual differs from declared (two
// objects of one resource type), each with its path: `content`,
// `retention.days`, `variables["WORKERS"]`. Maps and nested objects are
// compared key by key, anything else as a whole. A declared value not
// known until apply is a consequence of the change, not a finding, and is
// left out. Anything under or holding a path of sensitive, or marked
// sensitive, renders as SensitiveValue.
func Diff(declared, actual cty.Value, sensitive []cty.Path) []Finding {
	var out []Finding
	diff(nil, declared, actual, sensitive, &out)
	return out
}

func diff(at cty.Path, declared, actual cty.Value, sensitive []cty.Path, out *[]Finding) {
	if !declared.IsKnown() {
		return
	}
	if eq, _ := declared.Equals(actual).Unmark(); eq.IsKnown() && eq.True() {
		return
	}
	if nested(declared, actual) {
		for _, step := range steps(declared, actual) {
			diff(append(at.Copy(), step), index(declared, step), index(actual, step), sensitive, out)
		}
		return
	}
	if !declared.IsWhollyKnown() {
		return // partly known after apply: a consequence too
	}
	*out = append(*out, Finding{
		Attribute: PathString(at),
		Declared:  renderAt(at, declared, sensitive),
		Actual:    renderAt(at, actual, sensitive),
	})
}

// nested reports two values compared key by key: both present objects or
// both present maps.
func nested(a, b cty.Value) bool {
	if !a.IsKnown() || !b.IsKnown() || a.IsNull() || b.IsNull() || a.IsMarked() || b.IsMarked() {
		return false
	}
	ta, tb := a.Type(), b.Type()
	return (ta.IsObjectType() && tb.IsObjectType()) || (ta.IsMapType() && tb.IsMapType())
}

// steps are the attribute names or map keys of either value, sorted.
func steps(a, b cty.Value) []cty.PathStep {
	if a.Type().IsObjectType() {
		names := map[string]bool{}
		for n := range a.Type().AttributeTypes() {
			names[n] = true
		}
		for n := range b.Type().AttributeTypes() {
			names[n] = true
		}
		out := make([]cty.PathStep, 0, len(names))
		for _, n := range sortedKeys(names) {
			out = append(out, cty.GetAttrStep{Name: n})
		}
		return out
	}
	keys := map[string]bool{}
	for _, v := range []cty.Value{a, b} {
		for k := range v.AsValueMap() {
			keys[k] = true
		}
	}
	out := make([]cty.PathStep, 0, len(keys))
	for _, k := range sortedKeys(keys) {
		out = append(out, cty.IndexStep{Key: cty.StringVal(k)})
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// index is v's attribute or element at step, null when it has none.
func index(v cty.Value, step cty.PathStep) cty.Value {
	switch s := step.(type) {
	case cty.GetAttrStep:
		if v.Type().HasAttribute(s.Name) {
			return v.GetAttr(s.Name)
		}
	case cty.IndexStep:
		if v.HasIndex(s.Key).True() {
			return v.Index(s.Key)
		}
	}
	return cty.NullVal(cty.DynamicPseudoType)
}

// PathString writes a path as HCL would address it: a.b["key"][0].
func PathString(p cty.Path) string {
	var b strings.Builder
	for _, step := range p {
		switch s := step.(type) {
		case cty.GetAttrStep:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name)
		case cty.IndexStep:
			if s.Key.Type() == cty.String {
				b.WriteString("[" + strconv.Quote(s.Key.AsString()) + "]")
			} else {
				b.WriteString("[" + s.Key.AsBigFloat().Text('f', -1) + "]")
			}
		}
	}
	return b.String()
}

// renderAt renders v found at path at, hiding it when anything in it is
// sensitive.
func renderAt(at cty.Path, v cty.Value, sensitive []cty.Path) string {
	for _, s := range sensitive {
		if prefix(s, at) || prefix(at, s) {
			return SensitiveValue
		}
	}
	if v.ContainsMarked() {
		return SensitiveValue
	}
	s := Render(v)
	if r := []rune(s); len(r) > maxValueLen {
		s = string(r[:maxValueLen-1]) + "…"
	}
	return s
}

// prefix reports whether p is a prefix of q (or equal to it).
func prefix(p, q cty.Path) bool {
	if len(p) > len(q) {
		return false
	}
	return p.Equals(q[:len(p)])
}

// Render writes a value as HCL would: "text", 42, true, null,
// ["a", "b"], { key = "value" }. It does not look for secrets; callers
// that may hold one use Diff.
func Render(v cty.Value) string {
	switch {
	case v.IsMarked():
		return SensitiveValue
	case !v.IsKnown():
		return "(known after apply)"
	case v.IsNull():
		return "null"
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return strconv.Quote(v.AsString())
	case ty == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case ty == cty.Bool:
		return strconv.FormatBool(v.True())
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		var parts []string
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			parts = append(parts, Render(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case ty.IsMapType() || ty.IsObjectType():
		var parts []string
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			parts = append(parts, fmt.Sprintf("%s = %s", k.AsString(), Render(e)))
		}
		if len(parts) == 0 {
			return "{}"
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return ty.FriendlyName()
}
