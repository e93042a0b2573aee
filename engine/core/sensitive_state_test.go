package core

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
)

// The state marks a sensitive attribute of a nested block per element, as
// Terraform does (else Terraform plans an update of what spice applied),
// and keeps paths the configuration marked.
func TestStatePathsOfMarksBlockElements(t *testing.T) {
	schema, err := NewSchema(&tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{
		Attributes: []*tfprotov6.SchemaAttribute{
			{Name: "name", Type: tftypes.String, Required: true},
			{Name: "password", Type: tftypes.String, Optional: true, Sensitive: true},
		},
		BlockTypes: []*tfprotov6.SchemaNestedBlock{
			{TypeName: "offsite", Nesting: tfprotov6.SchemaNestedBlockNestingModeList, Block: &tfprotov6.SchemaBlock{
				Attributes: []*tfprotov6.SchemaAttribute{
					{Name: "host", Type: tftypes.String, Required: true},
					{Name: "private_key", Type: tftypes.String, Required: true, Sensitive: true},
				},
			}},
		},
	}})
	require.NoError(t, err)
	offsite := func(hosts ...string) cty.Value {
		ty := cty.Object(map[string]cty.Type{"host": cty.String, "private_key": cty.String})
		if len(hosts) == 0 {
			return cty.ListValEmpty(ty)
		}
		var elems []cty.Value
		for _, h := range hosts {
			elems = append(elems, cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal(h), "private_key": cty.StringVal("k")}))
		}
		return cty.ListVal(elems)
	}
	value := func(blocks cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("n"), "password": cty.NullVal(cty.String), "offsite": blocks})
	}
	password := cty.GetAttrPath("password")
	key := func(i int64) cty.Path { return cty.GetAttrPath("offsite").IndexInt(int(i)).GetAttr("private_key") }
	for _, tc := range []struct {
		name      string
		value     cty.Value
		sensitive []cty.Path
		want      []cty.Path
	}{
		{"no blocks", value(offsite()), schema.Sensitive, []cty.Path{password}},
		{"two blocks", value(offsite("a", "b")), schema.Sensitive, []cty.Path{password, key(0), key(1)}},
		{"a name marked by the configuration", value(offsite()), append(schema.Sensitive, cty.GetAttrPath("name")), []cty.Path{password, cty.GetAttrPath("name")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := statePathsOf(schema, tc.value, tc.sensitive)
			assert.Equal(t, len(tc.want), len(got), "%#v", got)
			for _, p := range tc.want {
				assert.True(t, containsPath(got, p), "missing %#v in %#v", p, got)
			}
		})
	}
}
