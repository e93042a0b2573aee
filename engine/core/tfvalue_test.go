package core

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// The direct conversions give what the protocol's msgpack way gives, both
// ways, and refuse what they do not convert.
func TestTFValueAgreesWithMsgPack(t *testing.T) {
	fileType := cty.Object(map[string]cty.Type{"path": cty.String, "mode": cty.String, "size": cty.Number, "ok": cty.Bool})
	for name, v := range map[string]cty.Value{
		"string":       cty.StringVal("index = 1\n"),
		"empty string": cty.StringVal(""),
		"null string":  cty.NullVal(cty.String),
		"unknown":      cty.UnknownVal(cty.String),
		"bool":         cty.True,
		"number":       cty.NumberFloatVal(1.5),
		"big number":   cty.MustParseNumberVal("123456789012345678901234567890"),
		"object": cty.ObjectVal(map[string]cty.Value{
			"path": cty.StringVal("/etc/app/1.conf"), "mode": cty.NullVal(cty.String),
			"size": cty.NumberIntVal(12), "ok": cty.UnknownVal(cty.Bool),
		}),
		"null object":    cty.NullVal(fileType),
		"unknown object": cty.UnknownVal(fileType),
		"empty object":   cty.EmptyObjectVal,
	} {
		t.Run(name, func(t *testing.T) {
			ty := v.Type()
			tfType, err := tftypeOf(ty)
			require.NoError(t, err)
			got, ok := tfValue(v.Mark("sensitive"), tfType)
			require.True(t, ok)
			raw, err := ctymsgpack.Marshal(v, ty)
			require.NoError(t, err)
			want, err := (&tfprotov6.DynamicValue{MsgPack: raw}).Unmarshal(tfType)
			require.NoError(t, err)
			assert.True(t, want.Equal(got), "tftypes: %s, want %s", got, want)

			back, ok := ctyValue(got, ty)
			require.True(t, ok)
			wantBack, err := ctymsgpack.Unmarshal(raw, ty)
			require.NoError(t, err)
			assert.True(t, wantBack.RawEquals(back), "cty: %#v, want %#v", back, wantBack)
		})
	}
}

func TestTFValueRefusesWhatItDoesNotConvert(t *testing.T) {
	list := cty.ListVal([]cty.Value{cty.StringVal("a")})
	_, ok := tfValue(list, tftypes.List{ElementType: tftypes.String})
	assert.False(t, ok, "a list")
	_, ok = tfValue(cty.StringVal("a"), tftypes.Number)
	assert.False(t, ok, "another type")
	obj := cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("a")})
	_, ok = tfValue(obj, tftypes.Object{AttributeTypes: map[string]tftypes.Type{"b": tftypes.String}})
	assert.False(t, ok, "other attributes")
	_, ok = ctyValue(tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{}), cty.List(cty.String))
	assert.False(t, ok, "a list back")
	_, ok = ctyValue(tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"b": tftypes.String}},
		map[string]tftypes.Value{"b": tftypes.NewValue(tftypes.String, "b")}), obj.Type())
	assert.False(t, ok, "other attributes back")
}

// tftypeOf is ty as tftypes, through the JSON type notation both share.
func tftypeOf(ty cty.Type) (tftypes.Type, error) {
	b, err := ty.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return tftypes.ParseJSONType(b) //nolint:staticcheck // the one parser of the notation tftypes has
}

// unmarkDeepWithPaths finds marks wherever cty's would, and gives what it
// gives.
func TestUnmarkDeepWithPathsAgreesWithCty(t *testing.T) {
	secret := cty.StringVal("s").Mark("sensitive")
	for name, v := range map[string]cty.Value{
		"unmarked object":  cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("a"), "b": cty.NullVal(cty.String)}),
		"marked attribute": cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("a"), "b": secret}),
		"marked object":    cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("a")}).Mark("sensitive"),
		"nested":           cty.ObjectVal(map[string]cty.Value{"o": cty.ObjectVal(map[string]cty.Value{"b": secret})}),
		"in a list":        cty.ObjectVal(map[string]cty.Value{"l": cty.ListVal([]cty.Value{secret})}),
		"unmarked list":    cty.ObjectVal(map[string]cty.Value{"l": cty.ListVal([]cty.Value{cty.StringVal("a")})}),
		"marked primitive": secret,
		"unknown":          cty.UnknownVal(cty.String),
	} {
		t.Run(name, func(t *testing.T) {
			got, gotMarks := unmarkDeepWithPaths(v)
			want, wantMarks := v.UnmarkDeepWithPaths()
			assert.True(t, want.RawEquals(got))
			assert.Equal(t, wantMarks, gotMarks)
		})
	}
}
