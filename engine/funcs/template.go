package funcs

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// templateFileFunc renders a template file with the given variables.
func templateFileFunc(baseDir string, fns map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			path := args[0].AsString()
			src, err := readFile(baseDir, path)
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			if !utf8.Valid(src) {
				return cty.NilVal, function.NewArgErrorf(0, "contents of %s are not valid UTF-8", path)
			}
			expr, diags := hclsyntax.ParseTemplate(src, path, hcl.InitialPos)
			if diags.HasErrors() {
				return cty.NilVal, diags
			}
			return renderTemplate(expr, args[1], fns, true)
		},
	})
}

// templateStringFunc renders a template held in a value elsewhere: its
// first argument must be a reference, not an inline template, and the
// template may not read files.
func templateStringFunc(fns map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "template", Type: customdecode.ExpressionClosureType}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			closure := customdecode.ExpressionClosureFromVal(args[0])
			if err := checkTemplateReference(closure.Expression); err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			tmpl, diags := closure.Value()
			if diags.HasErrors() {
				return cty.NilVal, function.NewArgErrorf(0, "invalid template expression: %s", diags.Error())
			}
			if !tmpl.IsKnown() {
				return cty.UnknownVal(cty.String), nil
			}
			tmpl, marks := tmpl.Unmark()
			if tmpl.Type() != cty.String || tmpl.IsNull() {
				return cty.NilVal, function.NewArgErrorf(0, "invalid template value: a string is required")
			}
			expr, diags := hclsyntax.ParseTemplate([]byte(tmpl.AsString()), "<templatestring argument>", hcl.InitialPos)
			if diags.HasErrors() {
				return cty.NilVal, function.NewArgErrorf(0, "invalid template: %s", diags.Error())
			}
			v, err := renderTemplate(expr, args[1], fns, false)
			if err != nil {
				return cty.NilVal, err
			}
			s, err := convert.Convert(v, cty.String)
			if err != nil {
				return cty.NilVal, fmt.Errorf("invalid template result: %w", err)
			}
			return s.WithMarks(marks), nil
		},
	})
}

// checkTemplateReference accepts what may name a template held elsewhere:
// a reference, possibly indexed, traversed or splatted.
func checkTemplateReference(expr hcl.Expression) error {
	switch e := expr.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return nil
	case *hclsyntax.RelativeTraversalExpr:
		return checkTemplateReference(e.Source)
	case *hclsyntax.IndexExpr:
		return checkTemplateReference(e.Collection)
	case *hclsyntax.SplatExpr:
		return checkTemplateReference(e.Source)
	case *hclsyntax.TemplateWrapExpr, *hclsyntax.TemplateExpr:
		return errors.New("invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template, write a template string expression")
	}
	return errors.New("invalid template expression: must be a direct reference to a single string from elsewhere, containing valid template syntax")
}

// renderTemplate evaluates a parsed template with vars (an object or map
// whose keys are identifiers) and the library's functions, less the
// template functions themselves and, unless allowFS, those reading files.
func renderTemplate(expr hclsyntax.Expression, vars cty.Value, fns map[string]function.Function, allowFS bool) (cty.Value, error) {
	if ty := vars.Type(); !ty.IsMapType() && !ty.IsObjectType() {
		return cty.NilVal, function.NewArgErrorf(1, "invalid vars value: must be a map")
	}
	if vars.IsNull() {
		return cty.NilVal, function.NewArgErrorf(1, "invalid vars value: must not be null")
	}
	if !vars.IsKnown() {
		return cty.DynamicVal, nil
	}
	variables := vars.AsValueMap()
	for name := range variables {
		if !hclsyntax.ValidIdentifier(name) {
			return cty.NilVal, function.NewArgErrorf(1, "invalid template variable name %q: must start with a letter, followed by zero or more letters, digits, and underscores", name)
		}
	}
	for _, traversal := range expr.Variables() {
		if _, ok := variables[traversal.RootName()]; !ok {
			return cty.NilVal, function.NewArgErrorf(1, "vars map does not contain key %q, referenced at %s", traversal.RootName(), traversal[0].SourceRange())
		}
	}
	inner := make(map[string]function.Function, len(fns))
	for name, fn := range fns {
		plain := strings.TrimPrefix(name, "core::")
		switch {
		case plain == "templatefile" || plain == "templatestring":
			inner[name] = refusing(fn, fmt.Sprintf("cannot recursively call %s from inside another template function", plain))
		case !allowFS && fsFunctions[plain]:
			inner[name] = refusing(fn, fmt.Sprintf("cannot use filesystem access functions like %s in templatestring templates; consider passing the function result as a template variable instead", plain))
		default:
			inner[name] = fn
		}
	}
	v, diags := expr.Value(&hcl.EvalContext{Variables: variables, Functions: inner})
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	if v.IsNull() {
		return cty.NilVal, errors.New("the result of the template is null, which is not a valid template result")
	}
	return v, nil
}

// refusing has fn's signature and refuses every call with msg.
func refusing(fn function.Function, msg string) function.Function {
	return function.New(&function.Spec{
		Params:   fn.Params(),
		VarParam: fn.VarParam(),
		Type:     func([]cty.Value) (cty.Type, error) { return cty.NilType, errors.New(msg) },
	})
}
