package core

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestCtyTypeAgreesWithJSON: the direct conversion of protocol types gives
// what the exact path through the shared JSON type notation gives.
func TestCtyTypeAgreesWithJSON(t *testing.T) {
	object := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.String, "b": tftypes.List{ElementType: tftypes.Number}}}
	for _, typ := range []tftypes.Type{
		tftypes.String, tftypes.Number, tftypes.Bool, tftypes.DynamicPseudoType,
		tftypes.List{ElementType: tftypes.String},
		tftypes.Set{ElementType: tftypes.Bool},
		tftypes.Map{ElementType: tftypes.Map{ElementType: tftypes.Number}},
		tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.DynamicPseudoType}},
		tftypes.Tuple{},
		object,
		tftypes.Object{AttributeTypes: map[string]tftypes.Type{}},
		tftypes.List{ElementType: object},
		tftypes.Object{AttributeTypes: map[string]tftypes.Type{"o": tftypes.String}, OptionalAttributes: map[string]struct{}{"o": {}}},
	} {
		t.Run(typ.String(), func(t *testing.T) {
			want, err := ctyTypeFromJSON(typ)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ctyType(typ)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equals(want) {
				t.Fatalf("ctyType(%s) = %#v, want %#v", typ, got, want)
			}
		})
	}
	if _, err := ctyType(nil); err == nil {
		t.Fatal("ctyType(nil) succeeded")
	}
}
