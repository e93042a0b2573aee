package config

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

// SavedVariableValues resolves the input variables from the values a saved
// plan recorded. They are taken as values: nothing is parsed or evaluated
// (a string holding "${...}" stays that string), and neither the
// environment nor variable files are read, so that applying the plan uses
// exactly what was planned. Every declared variable must be there; types,
// nullability, sensitivity and validation rules apply as in VariableValues.
func (m *Module) SavedVariableValues(saved map[string]cty.Value) (map[string]cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	names := make([]string, 0, len(m.Variables))
	for n := range m.Variables {
		names = append(names, n)
	}
	sort.Strings(names)
	for n := range saved {
		if _, ok := m.Variables[n]; !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Saved plan sets an undeclared variable",
				Detail: fmt.Sprintf("the plan holds a value for %q, which the configuration does not declare.", n)})
		}
	}
	out := map[string]cty.Value{}
	for _, name := range names {
		v := m.Variables[name]
		val, ok := saved[name]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Saved plan lacks a variable",
				Detail: fmt.Sprintf("the plan holds no value for variable %q.", name), Subject: v.DeclRange.Ptr()})
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
