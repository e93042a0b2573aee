package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// SavedVariableValues resolves the input variables from the values a saved
// plan recorded. They are taken as values: nothing is parsed or evaluated
// (a string holding "${...}" stays that string), and neither the
// environment nor variable files are read, so that applying the plan uses
// exactly what was planned. Every declared variable must be there; types,
// nullability, sensitivity and validation rules apply as in VariableValues.
func (m *Module) SavedVariableValues(saved map[string]cty.Value) (map[string]cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	for n := range saved {
		if _, ok := m.Variables[n]; !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Saved plan sets an undeclared variable",
				Detail: fmt.Sprintf("the plan holds a value for %q, which the configuration does not declare.", n)})
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return m.resolve(saved, func(v *Variable) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Saved plan lacks a variable",
			Detail: fmt.Sprintf("the plan holds no value for variable %q.", v.Name), Subject: v.DeclRange.Ptr()}
	})
}
