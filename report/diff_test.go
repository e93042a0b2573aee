package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/zclconf/go-cty/cty"
)

func TestDiff(t *testing.T) {
	obj := cty.ObjectVal
	for name, tc := range map[string]struct {
		declared, actual cty.Value
		sensitive        []cty.Path
		want             []Finding
	}{
		"equal": {obj(map[string]cty.Value{"a": cty.StringVal("x")}), obj(map[string]cty.Value{"a": cty.StringVal("x")}), nil, nil},
		"one attribute": {
			obj(map[string]cty.Value{"mode": cty.StringVal("0755"), "path": cty.StringVal("/d")}),
			obj(map[string]cty.Value{"mode": cty.StringVal("0700"), "path": cty.StringVal("/d")}), nil,
			[]Finding{{Attribute: "mode", Declared: `"0755"`, Actual: `"0700"`}}},
		"map key by key": {
			obj(map[string]cty.Value{"variables": cty.MapVal(map[string]cty.Value{"WORKERS": cty.StringVal("4"), "PORT": cty.StringVal("8000")})}),
			obj(map[string]cty.Value{"variables": cty.MapVal(map[string]cty.Value{"WORKERS": cty.StringVal("8"), "PORT": cty.StringVal("8000")})}), nil,
			[]Finding{{Attribute: `variables["WORKERS"]`, Declared: `"4"`, Actual: `"8"`}}},
		"nested block": {
			obj(map[string]cty.Value{"retention": obj(map[string]cty.Value{"days": cty.NumberIntVal(7)})}),
			obj(map[string]cty.Value{"retention": obj(map[string]cty.Value{"days": cty.NumberIntVal(3)})}), nil,
			[]Finding{{Attribute: "retention.days", Declared: "7", Actual: "3"}}},
		"known after apply is no finding": {
			obj(map[string]cty.Value{"state": cty.StringVal("running"), "main_pid": cty.UnknownVal(cty.Number)}),
			obj(map[string]cty.Value{"state": cty.StringVal("stopped"), "main_pid": cty.NumberIntVal(0)}), nil,
			[]Finding{{Attribute: "state", Declared: `"running"`, Actual: `"stopped"`}}},
		"sensitive attribute": {
			obj(map[string]cty.Value{"password": cty.StringVal(secret)}),
			obj(map[string]cty.Value{"password": cty.StringVal("other")}), []cty.Path{cty.GetAttrPath("password")},
			[]Finding{{Attribute: "password", Declared: SensitiveValue, Actual: SensitiveValue}}},
		"sensitive map element": {
			obj(map[string]cty.Value{"env": cty.MapVal(map[string]cty.Value{"KEY": cty.StringVal(secret)})}),
			obj(map[string]cty.Value{"env": cty.NullVal(cty.Map(cty.String))}),
			[]cty.Path{cty.GetAttrPath("env").Index(cty.StringVal("KEY"))},
			[]Finding{{Attribute: "env", Declared: SensitiveValue, Actual: SensitiveValue}}},
		"marked value": {
			obj(map[string]cty.Value{"v": cty.StringVal(secret).Mark("sensitive")}),
			obj(map[string]cty.Value{"v": cty.StringVal("x")}), nil,
			[]Finding{{Attribute: "v", Declared: SensitiveValue, Actual: `"x"`}}},
		"list as a whole": {
			obj(map[string]cty.Value{"after": cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})}),
			obj(map[string]cty.Value{"after": cty.ListValEmpty(cty.String)}), nil,
			[]Finding{{Attribute: "after", Declared: `["a", "b"]`, Actual: "[]"}}},
	} {
		t.Run(name, func(t *testing.T) {
			got := Diff(tc.declared, tc.actual, tc.sensitive)
			assert.Equal(t, tc.want, got)
			for _, f := range got {
				assert.NotContains(t, f.Declared+f.Actual, secret)
			}
		})
	}
}

func TestRenderCutsLongValues(t *testing.T) {
	long := cty.ObjectVal(map[string]cty.Value{"content": cty.StringVal(string(make([]byte, 500)))})
	f := Diff(long, cty.ObjectVal(map[string]cty.Value{"content": cty.StringVal("")}), nil)
	assert.Len(t, []rune(f[0].Declared), maxValueLen)
}
