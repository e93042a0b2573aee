package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

// VarArg is one -var or -var-file argument, kept in command line order.
type VarArg struct {
	File  bool
	Value string // NAME=VALUE, or a file path
}

// VariableValues resolves every input variable with Terraform's precedence:
// TF_VAR_ environment variables, then terraform.tfvars, then *.auto.tfvars
// in name order, then -var and -var-file in command line order; defaults
// fill what is left. Types, nullability and validation rules apply.
func (m *Module) VariableValues(args []VarArg) (map[string]cty.Value, hcl.Diagnostics) {
	return m.variableValues(args, false)
}

// VariableValuesUnsetUnknown is VariableValues where a required variable
// given no value is unknown instead of an error, as terraform console
// evaluates it.
func (m *Module) VariableValuesUnsetUnknown(args []VarArg) (map[string]cty.Value, hcl.Diagnostics) {
	return m.variableValues(args, true)
}

func (m *Module) variableValues(args []VarArg, unsetUnknown bool) (map[string]cty.Value, hcl.Diagnostics) {
	raw := map[string]cty.Value{}
	var diags hcl.Diagnostics
	for _, kv := range os.Environ() {
		name, val, _ := strings.Cut(kv, "=")
		if n, ok := strings.CutPrefix(name, "TF_VAR_"); ok {
			if v, ok := m.Variables[n]; ok {
				parsed, d := parseRawValue(v, val, "environment variable "+name)
				diags = append(diags, d...)
				raw[n] = parsed
			}
		}
	}
	files := []string{filepath.Join(m.Dir, "terraform.tfvars")}
	autos, _ := filepath.Glob(filepath.Join(m.Dir, "*.auto.tfvars"))
	sort.Strings(autos)
	files = append(files, autos...)
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			diags = append(diags, m.readVarFile(f, raw)...)
		}
	}
	for _, a := range args {
		if a.File {
			diags = append(diags, m.readVarFile(a.Value, raw)...)
			continue
		}
		name, val, ok := strings.Cut(a.Value, "=")
		if !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid -var option",
				Detail: fmt.Sprintf("%q: use -var 'NAME=VALUE'.", a.Value)})
			continue
		}
		v, declared := m.Variables[name]
		if !declared {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Value for undeclared variable",
				Detail: fmt.Sprintf("-var %s: no variable %q is declared.", name, name)})
			continue
		}
		parsed, d := parseRawValue(v, val, "-var "+name)
		diags = append(diags, d...)
		raw[name] = parsed
	}
	if diags.HasErrors() {
		return nil, diags
	}
	for name, v := range m.Variables {
		if _, given := raw[name]; !given {
			switch {
			case v.Default != cty.NilVal:
				raw[name] = v.Default
			case unsetUnknown:
				raw[name] = cty.UnknownVal(v.Type)
			}
		}
	}
	return m.resolve(raw, func(v *Variable) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No value for required variable",
			Detail: fmt.Sprintf("variable %q has no default; give it with -var, -var-file, terraform.tfvars or TF_VAR_%s.", v.Name, v.Name), Subject: v.DeclRange.Ptr()}
	})
}

// resolve applies every declared variable's type constraint, nullability,
// sensitivity and validation rules to the value given for it; missing
// reports a variable that has none.
func (m *Module) resolve(given map[string]cty.Value, missing func(*Variable) *hcl.Diagnostic) (map[string]cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	names := make([]string, 0, len(m.Variables))
	for n := range m.Variables {
		names = append(names, n)
	}
	sort.Strings(names)
	out := map[string]cty.Value{}
	for _, name := range names {
		v := m.Variables[name]
		val, ok := given[name]
		if !ok {
			diags = append(diags, missing(v))
			continue
		}
		conv, d := v.finish(val)
		if d != nil {
			diags = append(diags, d)
			continue
		}
		out[name] = conv
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return out, append(diags, m.validateVariables(out)...)
}

// finish applies a given value's type constraint, nullability and
// sensitivity.
func (v *Variable) finish(val cty.Value) (cty.Value, *hcl.Diagnostic) {
	conv, err := ConvertVariable(v, val)
	if err != nil {
		return cty.NilVal, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail: fmt.Sprintf("variable %q: %s", v.Name, err), Subject: v.DeclRange.Ptr()}
	}
	if conv.IsNull() && !v.Nullable {
		return cty.NilVal, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail: fmt.Sprintf("variable %q is not nullable.", v.Name), Subject: v.DeclRange.Ptr()}
	}
	if v.Sensitive {
		conv = conv.Mark(funcs.Sensitive)
	}
	return conv, nil
}

func parseRawValue(v *Variable, raw, where string) (cty.Value, hcl.Diagnostics) {
	if v.Type == cty.String || v.Type == cty.DynamicPseudoType {
		return cty.StringVal(raw), nil
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), where, hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	val, d := expr.Value(nil)
	return val, append(diags, d...)
}

func (m *Module) readVarFile(path string, into map[string]cty.Value) hcl.Diagnostics {
	src, err := os.ReadFile(path)
	if err != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read variables file", Detail: err.Error()}}
	}
	f, diags := m.Parser.ParseHCL(src, path)
	if diags.HasErrors() {
		return diags
	}
	attrs, d := f.Body.JustAttributes()
	diags = append(diags, d...)
	for name, attr := range attrs {
		if _, ok := m.Variables[name]; !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Value for undeclared variable",
				Detail: fmt.Sprintf("%s sets %q, which is not declared.", path, name), Subject: attr.Range.Ptr()})
			continue
		}
		val, d := attr.Expr.Value(nil)
		diags = append(diags, d...)
		into[name] = val
	}
	return diags
}

func (m *Module) validateVariables(vals map[string]cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(vals)}, Functions: funcs.Library(m.Dir, time.Now())}
	if len(vals) == 0 {
		ctx.Variables["var"] = cty.EmptyObjectVal
	}
	for _, v := range m.Variables {
		for _, rule := range v.Validations {
			ok, d := rule.Condition.Value(ctx)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			ok, _ = ok.Unmark()
			if ok.IsKnown() && !ok.IsNull() && ok.Type() == cty.Bool && ok.False() {
				msg, d := rule.ErrorMessage.Value(ctx)
				text := "validation failed"
				if !d.HasErrors() && msg.Type() == cty.String && msg.IsKnown() && !msg.IsMarked() {
					text = msg.AsString()
				}
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable",
					Detail: fmt.Sprintf("%s\n\nThis was checked by the validation rule of variable %q.", text, v.Name), Subject: rule.Condition.Range().Ptr()})
			}
		}
	}
	return diags
}
