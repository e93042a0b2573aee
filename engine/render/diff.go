package render

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// This file renders one attribute's change the way Terraform's
// internal/command/jsonformat/computed/renderers do: maps, objects, lists
// and multi-line strings element by element and line by line, unchanged
// elements counted in "# (N unchanged elements hidden)". Indents, symbols
// and the hidden-count lines follow Terraform's text byte for byte.

type action int

const (
	actNoOp action = iota
	actCreate
	actUpdate
	actDelete
)

// importantAttributes are shown even when unchanged, as Terraform does.
var importantAttributes = map[string]bool{"id": true, "name": true, "tags": true}

// diffOpts carry what a parent decides for its children.
type diffOpts struct {
	noNullSuffix  bool // the parent prints "-> null" once for all
	showUnchanged bool // print unchanged children instead of counting them
	replace       bool // this value forces replacement
}

type differ struct{ c Colors }

func actionOf(b, a cty.Value) action {
	switch {
	case b.IsNull() && a.IsKnown() && a.IsNull():
		return actNoOp
	case b.IsNull():
		return actCreate
	case a.IsKnown() && a.IsNull():
		return actDelete
	case !a.IsWhollyKnown():
		return actUpdate
	case b.RawEquals(a):
		return actNoOp
	}
	return actUpdate
}

// sym is Terraform's four-column action symbol.
func (d differ) sym(a action) string {
	switch a {
	case actCreate:
		return "  " + d.c.Green + "+" + d.c.Reset + " "
	case actUpdate:
		return "  " + d.c.Yellow + "~" + d.c.Reset + " "
	case actDelete:
		return "  " + d.c.Red + "-" + d.c.Reset + " "
	}
	return "    "
}

func indentOf(n int) string { return strings.Repeat("    ", n) }

func unchanged(noun string, n int) string {
	if n == 1 {
		return fmt.Sprintf("# (%d unchanged %s hidden)", n, noun)
	}
	return fmt.Sprintf("# (%d unchanged %ss hidden)", n, noun)
}

func forces(o diffOpts) string {
	if o.replace {
		return " # forces replacement"
	}
	return ""
}

func nullSuffix(a action, o diffOpts) string {
	if a == actDelete && !o.noNullSuffix {
		return " -> null"
	}
	return ""
}

// render writes the change from b to a of one value whose line starts at
// the given indent; a sensitive value is never rendered, only named.
func (d differ) render(b, a cty.Value, sensitive bool, indent int, o diffOpts) string {
	act := actionOf(b, a)
	switch {
	case sensitive:
		return "(sensitive value)" + nullSuffix(act, o) + forces(o)
	case !a.IsKnown() && b.IsNull():
		return "(known after apply)" + forces(o)
	case !a.IsKnown():
		// Terraform shows the old value as being removed, then what replaces it.
		return d.render(b, cty.NullVal(b.Type()), false, indent, diffOpts{noNullSuffix: true}) + " -> (known after apply)" + forces(o)
	}
	ty := a.Type()
	if a.IsNull() {
		ty = b.Type()
	}
	switch {
	case ty == cty.String:
		return d.str(b, a, act, indent, o)
	case ty.IsMapType() || ty.IsObjectType():
		return d.keyed(b, a, act, ty.IsObjectType(), indent, o)
	case ty.IsListType() || ty.IsTupleType():
		return d.list(b, a, act, indent, o)
	case ty.IsSetType():
		return d.set(b, a, act, indent, o)
	}
	return scalar(b, a, act, o)
}

func scalar(b, a cty.Value, act action, o diffOpts) string {
	switch act {
	case actCreate:
		return primitive(a) + forces(o)
	case actDelete:
		return primitive(b) + nullSuffix(act, o) + forces(o)
	case actNoOp:
		return primitive(b) + forces(o)
	}
	return primitive(b) + " -> " + primitive(a) + forces(o)
}

func primitive(v cty.Value) string {
	switch {
	case v.IsNull():
		return "null"
	case v.Type() == cty.Number:
		return v.AsBigFloat().Text('g', -1)
	case v.Type() == cty.Bool:
		return fmt.Sprint(v.True())
	case v.Type() == cty.String:
		return fmt.Sprintf("%q", v.AsString())
	}
	return v.GoString()
}

// str renders a string; one with a line break is a heredoc, diffed line by
// line. Terraform trims the surrounding whitespace of multi-line strings.
func (d differ) str(b, a cty.Value, act action, indent int, o diffOpts) string {
	multi := func(v cty.Value) bool { return !v.IsNull() && strings.Contains(v.AsString(), "\n") }
	if !multi(b) && !multi(a) {
		return scalar(b, a, act, o)
	}
	text := func(v cty.Value) []string {
		s := v.AsString()
		if multi(v) {
			s = strings.TrimSpace(s)
		}
		return strings.Split(s, "\n")
	}
	pad := indentOf(indent + 1)
	var lines []string
	switch act {
	case actCreate, actNoOp:
		for _, l := range text(a) {
			lines = append(lines, pad+d.sym(actNoOp)+l)
		}
	case actDelete:
		for _, l := range text(b) {
			lines = append(lines, pad+d.sym(actNoOp)+l)
		}
	default:
		before, after := text(b), text(a)
		processSlice(len(before), len(after), func(i, j int) bool { return before[i] == after[j] }, func(i, j int) {
			switch {
			case i >= len(before):
				lines = append(lines, pad+d.sym(actCreate)+after[j])
			case j >= len(after):
				lines = append(lines, pad+d.sym(actDelete)+before[i])
			case before[i] != after[j]:
				lines = append(lines, pad+d.sym(actDelete)+before[i], pad+d.sym(actCreate)+after[j])
			default:
				lines = append(lines, pad+d.sym(actNoOp)+before[i])
			}
		})
	}
	return fmt.Sprintf("<<-EOT%s\n%s\n%s    EOT%s", forces(o), strings.Join(lines, "\n"), indentOf(indent), nullSuffix(act, o))
}

// keyed renders a map (keys quoted, aligned) or an object (Terraform's
// Object renderer: attribute names bare, important ones always shown).
func (d differ) keyed(b, a cty.Value, act action, object bool, indent int, o diffOpts) string {
	elems := func(v cty.Value) map[string]cty.Value {
		if v.IsNull() || !v.IsKnown() {
			return nil
		}
		return v.AsValueMap()
	}
	bm, am := elems(b), elems(a)
	var keys []string
	width := 0
	label := map[string]string{}
	for _, m := range []map[string]cty.Value{bm, am} {
		for k, v := range m {
			if _, seen := label[k]; seen || (object && v.IsNull() && attrOr(bm, k).IsNull() && attrOr(am, k).IsNull()) {
				continue
			}
			label[k] = fmt.Sprintf("%q", k)
			if object && hclsyntax.ValidIdentifier(k) {
				label[k] = k
			}
			width = max(width, len(label[k]))
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return "{}" + nullSuffix(act, o) + forces(o)
	}
	child := diffOpts{noNullSuffix: object || act == actDelete, showUnchanged: o.showUnchanged}
	var buf strings.Builder
	fmt.Fprintf(&buf, "{%s\n", forces(o))
	hidden := 0
	for _, k := range keys {
		eb, ea := attrOr(bm, k), attrOr(am, k)
		ca := actionOf(eb, ea)
		co := child
		if object && importantAttributes[k] {
			co.showUnchanged = true
		} else if ca == actNoOp && !o.showUnchanged {
			hidden++
			continue
		}
		fmt.Fprintf(&buf, "%s%s%-*s = %s\n", indentOf(indent+1), d.sym(ca), width, label[k], d.render(eb, ea, false, indent+1, co))
	}
	noun := "element"
	if object {
		noun = "attribute"
	}
	if hidden > 0 {
		fmt.Fprintf(&buf, "%s%s%s\n", indentOf(indent+1), d.sym(actNoOp), unchanged(noun, hidden))
	}
	fmt.Fprintf(&buf, "%s%s}%s", indentOf(indent), d.sym(actNoOp), nullSuffix(act, o))
	return buf.String()
}

func attrOr(m map[string]cty.Value, k string) cty.Value {
	if v, ok := m[k]; ok {
		return v
	}
	return cty.NullVal(cty.DynamicPseudoType)
}

func elements(v cty.Value) []cty.Value {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	var out []cty.Value
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e)
	}
	return out
}

type element struct {
	act  action
	b, a cty.Value
}

// list renders a list with Terraform's context: the unchanged element just
// before and just after each change is shown, the rest counted.
func (d differ) list(b, a cty.Value, act action, indent int, o diffOpts) string {
	bl, al := elements(b), elements(a)
	var elems []element
	null := cty.NullVal(cty.DynamicPseudoType)
	processSlice(len(bl), len(al), func(i, j int) bool { return bl[i].RawEquals(al[j]) }, func(i, j int) {
		e := element{b: null, a: null}
		if i < len(bl) {
			e.b = bl[i]
		}
		if j < len(al) {
			e.a = al[j]
		}
		e.act = actionOf(e.b, e.a)
		elems = append(elems, e)
	})
	if len(elems) == 0 {
		return "[]" + nullSuffix(act, o) + forces(o)
	}
	changed := diffOpts{noNullSuffix: true, showUnchanged: o.showUnchanged}
	shown := diffOpts{noNullSuffix: true, showUnchanged: true}
	line := func(e element, eo diffOpts) string {
		return fmt.Sprintf("%s%s%s,\n", indentOf(indent+1), d.sym(e.act), d.render(e.b, e.a, false, indent+1, eo))
	}
	var buf strings.Builder
	fmt.Fprintf(&buf, "[%s\n", forces(o))
	var skipped []element
	next := false
	for _, e := range elems {
		if e.act == actNoOp && !next && !o.showUnchanged {
			skipped = append(skipped, e)
			continue
		}
		next = e.act != actNoOp
		if len(skipped) > 1 {
			fmt.Fprintf(&buf, "%s%s%s\n", indentOf(indent+1), d.sym(actNoOp), unchanged("element", len(skipped)-1))
		}
		if len(skipped) > 0 {
			buf.WriteString(line(skipped[len(skipped)-1], shown))
		}
		skipped = nil
		eo := changed
		if e.act == actNoOp {
			eo = shown
		}
		buf.WriteString(line(e, eo))
	}
	if len(skipped) > 0 {
		fmt.Fprintf(&buf, "%s%s%s\n", indentOf(indent+1), d.sym(actNoOp), unchanged("element", len(skipped)))
	}
	fmt.Fprintf(&buf, "%s%s]%s", indentOf(indent), d.sym(actNoOp), nullSuffix(act, o))
	return buf.String()
}

// set renders a set: elements kept, removed or added, no context since a
// set has no order.
func (d differ) set(b, a cty.Value, act action, indent int, o diffOpts) string {
	bl, al := elements(b), elements(a)
	null := cty.NullVal(cty.DynamicPseudoType)
	var elems []element
	has := func(l []cty.Value, v cty.Value) bool {
		for _, e := range l {
			if e.RawEquals(v) {
				return true
			}
		}
		return false
	}
	for _, e := range bl {
		if has(al, e) {
			elems = append(elems, element{actNoOp, e, e})
		} else {
			elems = append(elems, element{actDelete, e, null})
		}
	}
	for _, e := range al {
		if !has(bl, e) {
			elems = append(elems, element{actCreate, null, e})
		}
	}
	if len(elems) == 0 {
		return "[]" + nullSuffix(act, o) + forces(o)
	}
	var buf strings.Builder
	fmt.Fprintf(&buf, "[%s\n", forces(o))
	hidden := 0
	for _, e := range elems {
		if e.act == actNoOp && !o.showUnchanged {
			hidden++
			continue
		}
		fmt.Fprintf(&buf, "%s%s%s,\n", indentOf(indent+1), d.sym(e.act), d.render(e.b, e.a, false, indent+1, diffOpts{noNullSuffix: true, showUnchanged: o.showUnchanged}))
	}
	if hidden > 0 {
		fmt.Fprintf(&buf, "%s%s%s\n", indentOf(indent+1), d.sym(actNoOp), unchanged("element", hidden))
	}
	fmt.Fprintf(&buf, "%s%s]%s", indentOf(indent), d.sym(actNoOp), nullSuffix(act, o))
	return buf.String()
}

// processSlice pairs the indices of two sequences as Terraform's
// collections.ProcessSlice does: position by position when the lengths
// match and nothing moved, else along their longest common subsequence;
// an index equal to the length means "no element on this side".
func processSlice(nb, na int, eq func(i, j int) bool, process func(i, j int)) {
	if nb == na && !isReorder(nb, eq) {
		for i := 0; i < nb; i++ {
			process(i, i)
		}
		return
	}
	pairs := lcs(nb, na, eq)
	i, j := 0, 0
	for _, p := range append(pairs, [2]int{nb, na}) {
		for ; i < p[0]; i++ {
			process(i, na)
		}
		for ; j < p[1]; j++ {
			process(nb, j)
		}
		if p[0] < nb {
			process(i, j)
			i, j = i+1, j+1
		}
	}
}

// isReorder reports whether every element before has an equal after (the
// lengths being equal).
func isReorder(n int, eq func(i, j int) bool) bool {
	for i := 0; i < n; i++ {
		found := false
		for j := 0; j < n && !found; j++ {
			found = eq(i, j)
		}
		if !found {
			return false
		}
	}
	return true
}

// lcs returns the index pairs of a longest common subsequence.
func lcs(nb, na int, eq func(i, j int) bool) [][2]int {
	t := make([][]int, nb+1)
	for i := range t {
		t[i] = make([]int, na+1)
	}
	for i := nb - 1; i >= 0; i-- {
		for j := na - 1; j >= 0; j-- {
			if eq(i, j) {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var out [][2]int
	for i, j := 0, 0; i < nb && j < na; {
		switch {
		case eq(i, j):
			out = append(out, [2]int{i, j})
			i, j = i+1, j+1
		case t[i+1][j] >= t[i][j+1]:
			i++
		default:
			j++
		}
	}
	return out
}
