package testsupport

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// ValidateResource sends a resource configuration straight to the provider's
// ValidateResourceConfig, the way Terraform does, and returns what it says.
// Attributes not given are null.
func ValidateResource(t testing.TB, typeName string, values map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	server, err := ProviderFactories()["spice"]()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	s, ok := schemas.ResourceSchemas[typeName]
	if !ok {
		t.Fatalf("no resource type %s", typeName)
	}
	objType, ok := s.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("schema of %s is not an object", typeName)
	}
	all := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		if v, given := values[name]; given {
			all[name] = v
		} else {
			all[name] = tftypes.NewValue(typ, nil)
		}
	}
	cfg, err := tfprotov6.NewDynamicValue(objType, tftypes.NewValue(objType, all))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

// StringMapVariable passes a map(string) as the config variable "vars".
func StringMapVariable(vars map[string]any) config.Variables {
	elems := map[string]config.Variable{}
	for k, v := range vars {
		elems[k] = config.StringVariable(fmt.Sprint(v))
	}
	return config.Variables{"vars": config.MapVariable(elems)}
}

// CheckImportedMap verifies that the imported resource's map attribute holds
// exactly want.
func CheckImportedMap(attr string, want map[string]string) func([]*terraform.InstanceState) error {
	return func(states []*terraform.InstanceState) error {
		if len(states) != 1 {
			return fmt.Errorf("imported %d resources, want 1", len(states))
		}
		got := states[0].Attributes
		if n := got[attr+".%"]; n != fmt.Sprint(len(want)) {
			return fmt.Errorf("%s has %s elements, want %d", attr, n, len(want))
		}
		for k, v := range want {
			if got[attr+"."+k] != v {
				return fmt.Errorf("%s[%q] imported differently", attr, k)
			}
		}
		return nil
	}
}
