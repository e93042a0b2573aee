package schema_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/stretchr/testify/assert"

	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

func TestParseFileMode(t *testing.T) {
	for in, want := range map[string]int64{
		"644": 0o644, "0644": 0o644, "0600": 0o600, "2775": 0o2775, "1777": 0o1777, "4755": 0o4755, "000": 0,
		"": -1, "64": -1, "0999": -1, "00644": -1, "rw-r--r--": -1, "u+x": -1, "0o644": -1, "+644": -1, "-644": -1,
	} {
		got, err := spiceschema.ParseFileMode(in)
		if want < 0 {
			assert.Error(t, err, "%q", in)
			continue
		}
		if assert.NoError(t, err, "%q", in) {
			assert.Equal(t, uint32(want), got, "%q", in)
		}
	}
}

func TestFileMode_semanticEquality(t *testing.T) {
	ctx := context.Background()
	mode := func(s string) spiceschema.FileMode {
		return spiceschema.FileMode{StringValue: basetypes.NewStringValue(s)}
	}
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"644", "0644", true},
		{"0644", "0644", true},
		{"0644", "0640", false},
		{"2775", "0775", false},
		{"bad", "bad", false},
	} {
		got, diags := mode(tc.a).StringSemanticEquals(ctx, mode(tc.b))
		assert.False(t, diags.HasError())
		assert.Equal(t, tc.want, got, "%s ~ %s", tc.a, tc.b)
	}
	assert.Equal(t, "0750", spiceschema.NewFileMode(0o750).ValueString())
}

func TestFileMode_validatesItself(t *testing.T) {
	var resp xattr.ValidateAttributeResponse
	spiceschema.FileMode{StringValue: basetypes.NewStringValue("0999")}.ValidateAttribute(context.Background(),
		xattr.ValidateAttributeRequest{Path: path.Root("mode")}, &resp)
	assert.True(t, resp.Diagnostics.HasError())
	assert.Contains(t, resp.Diagnostics.Errors()[0].Detail(), `"0999" is not an octal file mode`)
}
