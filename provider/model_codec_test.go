package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

// fileState is a spice_file state of the schema's type with the given
// attributes, the rest null.
func fileState(t *testing.T, attrs map[string]tftypes.Value) tfsdk.State {
	t.Helper()
	var resp resource.SchemaResponse
	(&fileResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	objType, ok := resp.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("the schema's type is no object")
	}
	values := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
		if v, ok := attrs[name]; ok {
			values[name] = v
		}
	}
	return tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(objType, values)}
}

// TestModelCodecMatchesFramework: the codec reads and writes exactly what
// the framework's reflection does, and leaves to the framework what it
// cannot do (a value that fails its own validation, a model with fields of
// plain Go types).
func TestModelCodecMatchesFramework(t *testing.T) {
	ctx := context.Background()
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	for name, attrs := range map[string]map[string]tftypes.Value{
		"content": {"id": str("/etc/a"), "path": str("/etc/a"), "mode": str("0644"), "owner": str("0"), "group": str("0"),
			"content": str("a = 1\n"), "sha256": str("ab")},
		"unknowns": {"path": str("/etc/b"), "mode": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"sensitive_content": str("secret"), "sha256": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)},
		"all null": {},
	} {
		t.Run(name, func(t *testing.T) {
			state := fileState(t, attrs)
			var viaFramework, viaCodec fileModel
			if d := state.Get(ctx, &viaFramework); d.HasError() {
				t.Fatalf("framework get: %v", d)
			}
			if d := getModel(ctx, state.Schema, state.Raw, &viaCodec, func(context.Context, any) (d diag.Diagnostics) {
				t.Fatal("fell back to the framework")
				return d
			}); d.HasError() {
				t.Fatalf("codec get: %v", d)
			}
			if !reflect.DeepEqual(viaFramework, viaCodec) {
				t.Fatalf("codec read %+v, framework %+v", viaCodec, viaFramework)
			}
			viaCodec.SHA256 = types.StringValue("cd")
			viaCodec.Mode = spiceschema.NewFileMode(0o600)
			framework, codec := state, state
			if d := framework.Set(ctx, &viaCodec); d.HasError() {
				t.Fatalf("framework set: %v", d)
			}
			raw, ok := encodeModel(ctx, codec.Schema, codec.Raw, &viaCodec)
			if !ok {
				t.Fatal("codec did not encode")
			}
			if !raw.Equal(framework.Raw) {
				t.Fatalf("codec wrote %s, framework %s", raw, framework.Raw)
			}
		})
	}
	t.Run("invalid mode falls back", func(t *testing.T) {
		state := fileState(t, map[string]tftypes.Value{"mode": str("rwx")})
		var m fileModel
		fellBack := false
		getModel(ctx, state.Schema, state.Raw, &m, func(ctx context.Context, target any) diag.Diagnostics {
			fellBack = true
			return state.Get(ctx, target)
		})
		if !fellBack {
			t.Fatal("the codec read an invalid mode instead of leaving it to the framework")
		}
	})
	var logrotate resource.SchemaResponse
	(&logrotateResource{}).Schema(ctx, resource.SchemaRequest{}, &logrotate)
	if c := codecOf(ctx, reflect.TypeFor[logrotateModel](), logrotate.Schema); c != nil {
		t.Fatal("a codec for a model with plain Go fields")
	}
}
