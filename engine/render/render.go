package render

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/core"
)

// Colors are ANSI sequences, or empty strings with color off.
type Colors struct{ Green, Yellow, Red, Cyan, Bold, Reset string }

// NewColors returns ANSI colors when enabled.
func NewColors(enabled bool) Colors {
	if !enabled {
		return Colors{}
	}
	return Colors{Green: "\x1b[32m", Yellow: "\x1b[33m", Red: "\x1b[31m", Cyan: "\x1b[36m", Bold: "\x1b[1m", Reset: "\x1b[0m"}
}

// Plan writes a human-readable plan.
func Plan(w io.Writer, p *core.Plan, c Colors) {
	if len(p.Drift) > 0 {
		fmt.Fprintf(w, "\n%sNote: Objects have changed outside of spice%s\n\n", c.Bold, c.Reset)
		fmt.Fprintln(w, "spice detected the following changes made outside of spice since the last \"spice apply\":")
		for _, d := range p.Drift {
			fmt.Fprintln(w)
			if d.After.IsNull() {
				fmt.Fprintf(w, "  # %s has been deleted\n", d.Addr)
				fmt.Fprintf(w, "  %s-%s resource %q %q {\n", c.Red, c.Reset, d.Type, name(d.Addr))
				fmt.Fprintln(w, "    }")
				continue
			}
			fmt.Fprintf(w, "  # %s has changed\n", d.Addr)
			ch := &core.Change{Addr: d.Addr, Type: d.Type, Name: name(d.Addr), Action: core.Update, Before: d.Before, After: d.After, Sensitive: d.Sensitive}
			resourceBody(w, ch, c, "~", c.Yellow)
		}
	}
	if p.Mode == core.RefreshOnlyMode {
		refreshOnly(w, p, c)
		return
	}
	imports, add, change, destroy := Counts(p)
	var shown []*core.Change
	for _, ch := range p.Changes {
		if ch.Action == core.NoOp && ch.ImportID == "" && ch.PrevAddr == "" {
			continue
		}
		shown = append(shown, ch)
	}
	if len(shown) == 0 {
		fmt.Fprintf(w, "\n%sNo changes.%s Your infrastructure matches the configuration.\n", c.Bold+c.Green, c.Reset)
		return
	}
	fmt.Fprintln(w, "\nspice will perform the following actions:")
	for _, ch := range shown {
		fmt.Fprintln(w)
		if ch.ImportID != "" {
			fmt.Fprintf(w, "  # %s will be imported (id %q)\n", ch.Addr, ch.ImportID)
			if ch.Action == core.NoOp {
				resourceBody(w, ch, c, " ", "")
				continue
			}
		}
		if ch.Action == core.NoOp && ch.PrevAddr != "" {
			fmt.Fprintf(w, "  # %s has moved to %s\n", ch.PrevAddr, ch.Addr)
			resourceBody(w, ch, c, " ", "")
			continue
		}
		movedFrom := ""
		if ch.PrevAddr != "" {
			movedFrom = fmt.Sprintf("  # (moved from %s)\n", ch.PrevAddr)
		}
		switch ch.Action {
		case core.Read:
			fmt.Fprintf(w, "  # %s will be read during apply\n", ch.Addr)
			fmt.Fprintf(w, " %s<=%s data %q %q {\n      # (config refers to values not yet known)\n    }\n", c.Cyan, c.Reset, ch.Type, ch.Name)
		case core.Create:
			fmt.Fprintf(w, "  # %s will be created\n", ch.Addr)
			resourceBody(w, ch, c, "+", c.Green)
		case core.Update:
			fmt.Fprintf(w, "  # %s will be updated in-place\n%s", ch.Addr, movedFrom)
			resourceBody(w, ch, c, "~", c.Yellow)
		case core.Delete:
			fmt.Fprintf(w, "  # %s will be destroyed\n", ch.Addr)
			switch ch.Reason {
			case core.ReasonNoResourceConfig:
				fmt.Fprintf(w, "  # (because %s.%s is not in configuration)\n", ch.Type, ch.Name)
			case core.ReasonNoModule:
				fmt.Fprintf(w, "  # (because %s is not in configuration)\n", ch.Module)
			case core.ReasonNoMoveTarget:
				fmt.Fprintf(w, "  # (because %s was moved to %s, which is not in configuration)\n", ch.PrevAddr, ch.Addr)
			}
			fmt.Fprint(w, movedFrom)
			resourceBody(w, ch, c, "-", c.Red)
		case core.DeleteThenCreate:
			fmt.Fprintf(w, "  # %s %s\n%s", ch.Addr, replaceReason(ch), movedFrom)
			resourceBody(w, ch, c, "-/+", c.Yellow)
		case core.CreateThenDelete:
			fmt.Fprintf(w, "  # %s %s\n%s", ch.Addr, replaceReason(ch), movedFrom)
			resourceBody(w, ch, c, "+/-", c.Yellow)
		case core.Forget:
			fmt.Fprintf(w, " # %s will no longer be managed by spice, but will not be destroyed\n # (destroy = false is set in the configuration)\n", ch.Addr)
			kept := *ch // shown as it stays: unchanged, as Terraform does
			kept.After = ch.Before
			resourceBody(w, &kept, c, ".", "")
		}
	}
	importing := ""
	if imports > 0 {
		importing = fmt.Sprintf("%d to import, ", imports)
	}
	fmt.Fprintf(w, "\n%sPlan:%s %s%d to add, %d to change, %d to destroy.\n", c.Bold, c.Reset, importing, add, change, destroy)
}

// replaceReason completes "# ADDR ..." above a replacement, as Terraform
// words it.
func replaceReason(ch *core.Change) string {
	if ch.Tainted {
		return "is tainted, so must be replaced"
	}
	if ch.ReplaceRequested {
		return "will be replaced, as requested"
	}
	return "must be replaced"
}

// refreshOnly ends a refresh-only plan, in Terraform's words: it plans no
// action, so what follows the drift is what applying it would record.
func refreshOnly(w io.Writer, p *core.Plan, c Colors) {
	if len(p.Drift) > 0 {
		fmt.Fprintln(w, "\n\nThis is a refresh-only plan, so spice will not take any actions to undo these. If you were expecting these changes then you can apply this plan to record the updated values in the spice state without changing any remote objects.")
	}
	if p.OutputsChanged() {
		fmt.Fprint(w, "\nChanges to Outputs:\n")
		outputDiff(w, p.OutputChanges, c)
		fmt.Fprintln(w, "\nYou can apply this plan to save these new output values to the spice state, without changing any real infrastructure.")
	}
	if !p.HasChanges() {
		fmt.Fprintf(w, "\n%sNo changes.%s Your infrastructure still matches the configuration.\n\n", c.Bold+c.Green, c.Reset)
		fmt.Fprintln(w, "spice has checked that the real remote objects still match the result of your most recent changes, and found no differences.")
	}
}

// outputDiff lists the outputs that change, as Terraform's "Changes to
// Outputs": one line each, names aligned, sensitive values not shown.
func outputDiff(w io.Writer, changes []core.OutputChange, c Colors) {
	width := 0
	for _, o := range changes {
		if o.Action != core.NoOp {
			width = max(width, len(o.Name))
		}
	}
	d := differ{c}
	for _, o := range changes {
		if o.Action == core.NoOp {
			continue
		}
		before, after := o.Before, o.After
		if before == cty.NilVal {
			before = cty.NullVal(after.Type())
		}
		if after == cty.NilVal {
			after = cty.NullVal(before.Type())
		}
		before, _ = before.UnmarkDeep()
		after, _ = after.UnmarkDeep()
		act := actUpdate // also when only the sensitivity changes
		switch o.Action {
		case core.Create:
			act = actCreate
		case core.Delete:
			act = actDelete
		}
		fmt.Fprintf(w, "%s%-*s = %s\n", d.sym(act), width, o.Name, d.render(before, after, o.Sensitive, 0, diffOpts{}))
	}
}

// Counts are the numbers of the summary line: a replacement adds one and
// destroys one; an import is counted apart from what else it plans.
func Counts(p *core.Plan) (imports, add, change, destroy int) {
	for _, ch := range p.Changes {
		if ch.ImportID != "" {
			imports++
		}
		switch ch.Action {
		case core.Create:
			add++
		case core.Update:
			change++
		case core.Delete:
			destroy++
		case core.DeleteThenCreate, core.CreateThenDelete:
			add++
			destroy++
		}
	}
	return imports, add, change, destroy
}

func name(addr string) string {
	parts := strings.Split(strings.SplitN(addr, "[", 2)[0], ".")
	return parts[len(parts)-1]
}

func resourceBody(w io.Writer, ch *core.Change, c Colors, sym, color string) {
	label := ch.Name
	if ch.Key != cty.NilVal {
		label = name(ch.ResourceAddr)
	}
	// The symbol is right-aligned in three columns, as Terraform's:
	// "  + resource", "-/+ resource".
	pad := 3 - len(sym)
	if sym == "." {
		pad = 1 // Terraform's forget symbol is two columns wide
	}
	fmt.Fprintf(w, "%s%s%s%s resource %q %q {\n", strings.Repeat(" ", pad), color, sym, c.Reset, ch.Type, label)
	// Terraform's block renderer: attributes null on both sides are left
	// out, id, name and tags always shown, other unchanged ones counted.
	d := differ{c}
	var names []string
	width := 0
	for _, n := range attrNames(ch.Before, ch.After) {
		if attr(ch.Before, n).IsNull() && attr(ch.After, n).IsKnown() && attr(ch.After, n).IsNull() {
			continue
		}
		names = append(names, n)
		width = max(width, len(n))
	}
	hidden := 0
	for _, n := range names {
		b, a := attr(ch.Before, n), attr(ch.After, n)
		act := actionOf(b, a)
		o := diffOpts{replace: touches(ch.ReplacePaths, n), showUnchanged: importantAttributes[n]}
		if act == actNoOp && !o.showUnchanged {
			hidden++
			continue
		}
		fmt.Fprintf(w, "    %s%-*s = %s\n", d.sym(act), width, n, d.render(b, a, touches(ch.Sensitive, n), 1, o))
	}
	if hidden > 0 {
		fmt.Fprintf(w, "        %s\n", unchanged("attribute", hidden))
	}
	fmt.Fprintln(w, "    }")
}

func attrNames(vals ...cty.Value) []string {
	seen := map[string]bool{}
	for _, v := range vals {
		if v == cty.NilVal || !v.Type().IsObjectType() {
			continue
		}
		for n := range v.Type().AttributeTypes() {
			seen[n] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func attr(v cty.Value, n string) cty.Value {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return v.GetAttr(n)
}

// touches reports whether one of the paths starts at attribute n: with the
// sensitive paths, the whole attribute is redacted; with the replace
// paths, it forces replacement.
func touches(paths []cty.Path, n string) bool {
	for _, p := range paths {
		if len(p) > 0 {
			if s, ok := p[0].(cty.GetAttrStep); ok && s.Name == n {
				return true
			}
		}
	}
	return false
}

// value renders a value in HCL-like syntax.
func value(v cty.Value, sensitive bool, indent int) string {
	switch {
	case sensitive:
		return "(sensitive value)"
	case !v.IsKnown():
		return "(known after apply)"
	case v.IsNull():
		return "null"
	}
	ty := v.Type()
	pad := strings.Repeat(" ", indent)
	switch {
	case ty == cty.String:
		s := v.AsString()
		if strings.Contains(s, "\n") && strings.HasSuffix(s, "\n") {
			var b strings.Builder
			b.WriteString("<<-EOT\n")
			for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
				b.WriteString(pad + "    " + line + "\n")
			}
			b.WriteString(pad + "EOT")
			return b.String()
		}
		return fmt.Sprintf("%q", s)
	case ty == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case ty == cty.Bool:
		if v.True() {
			return "true"
		}
		return "false"
	case ty.IsMapType() || ty.IsObjectType():
		if v.LengthInt() == 0 {
			return "{}"
		}
		var keys []string
		vals := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			keys = append(keys, k.AsString())
			vals[k.AsString()] = e
		}
		sort.Strings(keys)
		width := 0
		for _, k := range keys {
			if len(fmt.Sprintf("%q", k)) > width {
				width = len(fmt.Sprintf("%q", k))
			}
		}
		var b strings.Builder
		b.WriteString("{\n")
		for _, k := range keys {
			qk := fmt.Sprintf("%q", k)
			fmt.Fprintf(&b, "%s    %s%s = %s\n", pad, qk, strings.Repeat(" ", width-len(qk)), value(vals[k], false, indent+4))
		}
		b.WriteString(pad + "}")
		return b.String()
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		if v.LengthInt() == 0 {
			return "[]"
		}
		var b strings.Builder
		b.WriteString("[\n")
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			b.WriteString(pad + "    " + value(e, false, indent+4) + ",\n")
		}
		b.WriteString(pad + "]")
		return b.String()
	}
	return v.GoString()
}
