package schema

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/spice-harvester/terraform-provider-spice/terminusdb"
)

// TerminusSchemaType is a string attribute holding a TerminusDB schema: a
// JSON array of schema documents. Its values validate themselves at plan
// time and compare canonically (documents by @id, keys sorted, white space
// ignored), so jsonencode's and a file's spelling of one schema are equal.
type TerminusSchemaType struct {
	basetypes.StringType
}

var _ basetypes.StringTypable = TerminusSchemaType{}

func (t TerminusSchemaType) String() string { return "schema.TerminusSchemaType" }

func (t TerminusSchemaType) Equal(o attr.Type) bool {
	other, ok := o.(TerminusSchemaType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t TerminusSchemaType) ValueType(context.Context) attr.Value { return TerminusSchema{} }

func (t TerminusSchemaType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return TerminusSchema{StringValue: in}, nil
}

func (t TerminusSchemaType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return TerminusSchema{StringValue: s}, nil
}

// TerminusSchema is a value of TerminusSchemaType.
type TerminusSchema struct {
	basetypes.StringValue
}

var (
	_ basetypes.StringValuableWithSemanticEquals = TerminusSchema{}
	_ xattr.ValidateableAttribute                = TerminusSchema{}
)

// NewTerminusSchema returns a known value.
func NewTerminusSchema(s string) TerminusSchema {
	return TerminusSchema{StringValue: basetypes.NewStringValue(s)}
}

func (v TerminusSchema) Type(context.Context) attr.Type { return TerminusSchemaType{} }

func (v TerminusSchema) Equal(o attr.Value) bool {
	other, ok := o.(TerminusSchema)
	return ok && v.StringValue.Equal(other.StringValue)
}

// Canonical is the value's canonical text; "" when it does not parse.
func (v TerminusSchema) Canonical() string {
	docs, err := terminusdb.ParseSchema(v.ValueString())
	if err != nil {
		return ""
	}
	return terminusdb.CanonicalSchema(docs)
}

func (v TerminusSchema) StringSemanticEquals(_ context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	o, ok := other.(TerminusSchema)
	if !ok {
		return false, nil
	}
	a, b := v.Canonical(), o.Canonical()
	return a != "" && a == b, nil
}

func (v TerminusSchema) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := terminusdb.ParseSchema(v.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid TerminusDB schema", err.Error())
	}
}
