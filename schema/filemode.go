package schema

import (
	"context"
	"fmt"
	"regexp"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var fileModePattern = regexp.MustCompile(`^[0-7]{3,4}$`)

// ParseFileMode reads an octal mode as chmod takes it: three or four octal
// digits ("644", "0644", "2775"). Symbolic modes are refused.
func ParseFileMode(s string) (uint32, error) {
	if !fileModePattern.MatchString(s) {
		return 0, fmt.Errorf("%q is not an octal file mode: use 3 or 4 octal digits such as \"0644\"", s)
	}
	m, err := strconv.ParseUint(s, 8, 32)
	if err != nil {
		return 0, err
	}
	return uint32(m), nil
}

// FormatFileMode writes a mode in the canonical four-digit form.
func FormatFileMode(m uint32) string { return fmt.Sprintf("%04o", m) }

// FileModeType is a string attribute holding an octal file mode. Its values
// validate themselves at plan time and treat "644" and "0644" as equal.
type FileModeType struct {
	basetypes.StringType
}

var _ basetypes.StringTypable = FileModeType{}

func (t FileModeType) String() string { return "schema.FileModeType" }

func (t FileModeType) Equal(o attr.Type) bool {
	other, ok := o.(FileModeType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t FileModeType) ValueType(context.Context) attr.Value { return FileMode{} }

func (t FileModeType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return FileMode{StringValue: in}, nil
}

func (t FileModeType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return FileMode{StringValue: s}, nil
}

// FileMode is a value of FileModeType.
type FileMode struct {
	basetypes.StringValue
}

var (
	_ basetypes.StringValuableWithSemanticEquals = FileMode{}
	_ xattr.ValidateableAttribute                = FileMode{}
)

// NewFileMode returns the canonical value for m.
func NewFileMode(m uint32) FileMode {
	return FileMode{StringValue: basetypes.NewStringValue(FormatFileMode(m))}
}

func (v FileMode) Type(context.Context) attr.Type { return FileModeType{} }

func (v FileMode) Equal(o attr.Value) bool {
	other, ok := o.(FileMode)
	return ok && v.StringValue.Equal(other.StringValue)
}

// Mode is the numeric mode; call it only on a known, validated value.
func (v FileMode) Mode() uint32 {
	m, _ := ParseFileMode(v.ValueString())
	return m
}

func (v FileMode) StringSemanticEquals(_ context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	o, ok := other.(FileMode)
	if !ok {
		return false, nil
	}
	a, errA := ParseFileMode(v.ValueString())
	b, errB := ParseFileMode(o.ValueString())
	return errA == nil && errB == nil && a == b, nil
}

func (v FileMode) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := ParseFileMode(v.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid file mode", err.Error())
	}
}
