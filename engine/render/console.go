package render

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

// ConsoleValue formats a value as terraform console (and terraform output
// NAME) print it: HCL-like syntax where the type stays visible (tolist,
// tomap, tostring(null)), strings quoted, multi-line strings as heredocs,
// one element per line, sensitive parts as (sensitive value) and unknown
// ones as (known after apply).
func ConsoleValue(v cty.Value) string { return consoleValue(v, 0) }

func consoleValue(v cty.Value, indent int) string {
	if !v.IsKnown() {
		return "(known after apply)"
	}
	if v.HasMark(funcs.Sensitive) {
		return "(sensitive value)"
	}
	v, _ = v.Unmark()
	ty := v.Type()
	if v.IsNull() {
		return consoleNull(ty)
	}
	switch {
	case ty == cty.String:
		if heredoc, ok := consoleHeredoc(v.AsString(), indent); ok {
			return heredoc
		}
		return strconv.Quote(v.AsString())
	case ty == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case ty == cty.Bool:
		return strconv.FormatBool(v.True())
	case ty.IsObjectType():
		return consoleMapping(v, indent)
	case ty.IsTupleType():
		return consoleSequence(v, indent)
	case ty.IsListType():
		return "tolist(" + consoleSequence(v, indent) + ")"
	case ty.IsSetType():
		return "toset(" + consoleSequence(v, indent) + ")"
	case ty.IsMapType():
		return "tomap(" + consoleMapping(v, indent) + ")"
	}
	return v.GoString()
}

func consoleNull(ty cty.Type) string {
	switch {
	case ty == cty.DynamicPseudoType:
		return "null"
	case ty == cty.String:
		return "tostring(null)"
	case ty == cty.Number:
		return "tonumber(null)"
	case ty == cty.Bool:
		return "tobool(null)"
	case ty.IsListType():
		return fmt.Sprintf("tolist(null) /* of %s */", ty.ElementType().FriendlyName())
	case ty.IsSetType():
		return fmt.Sprintf("toset(null) /* of %s */", ty.ElementType().FriendlyName())
	case ty.IsMapType():
		return fmt.Sprintf("tomap(null) /* of %s */", ty.ElementType().FriendlyName())
	}
	return fmt.Sprintf("null /* %s */", ty.FriendlyName())
}

// consoleHeredoc writes a string of several lines as a heredoc (indented
// form inside a collection), its delimiter EOT made longer until no line
// is it.
func consoleHeredoc(s string, indent int) (string, bool) {
	lines := strings.Split(s, "\n")
	if len(lines) < 2 {
		return "", false
	}
	operator := "<<"
	if indent > 0 {
		operator = "<<-"
	}
	delimiter := "EOT"
	for clash := true; clash; {
		clash = false
		for _, line := range lines {
			if strings.TrimSpace(line) == delimiter {
				delimiter += "_"
				clash = true
				break
			}
		}
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	b.WriteString(operator + delimiter)
	for _, line := range lines {
		b.WriteString("\n" + pad + line)
	}
	b.WriteString("\n" + pad + delimiter)
	return b.String(), true
}

func consoleMapping(v cty.Value, indent int) string {
	var b strings.Builder
	b.WriteByte('{')
	pad := strings.Repeat(" ", indent+2)
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		b.WriteString("\n" + pad + consoleValue(k, indent+2) + " = " + consoleValue(e, indent+2))
	}
	if v.LengthInt() > 0 {
		b.WriteString("\n" + strings.Repeat(" ", indent))
	}
	b.WriteByte('}')
	return b.String()
}

func consoleSequence(v cty.Value, indent int) string {
	var b strings.Builder
	b.WriteByte('[')
	pad := strings.Repeat(" ", indent+2)
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		b.WriteString("\n" + pad + consoleValue(e, indent+2) + ",")
	}
	if v.LengthInt() > 0 {
		b.WriteString("\n" + strings.Repeat(" ", indent))
	}
	b.WriteByte(']')
	return b.String()
}
