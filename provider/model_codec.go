package provider

import (
	"context"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// modelCodec converts between a flat model struct and the framework's raw
// object value directly. The framework's own reflection (State.Get and
// State.Set) compiles a regular expression for every field on every call
// (terraform-plugin-framework issue 725) and rebuilds the schema's type
// each time: on a plan of thousands of files it cost more than all the
// provider's own work. The codec applies only to models whose every field
// is an attr.Value of its attribute's type; for anything else, and for
// any value that would produce diagnostics, the callers fall back to the
// framework, which then says what is wrong exactly as before.
type modelCodec struct {
	objType tftypes.Object
	fields  []codecField
}

type codecField struct {
	name   string
	index  []int
	typ    attr.Type
	tfType tftypes.Type
	goType reflect.Type
}

// schemaTyper is the part of a plan's, state's or configuration's schema
// the codec needs.
type schemaTyper interface {
	Type() attr.Type
}

var (
	codecsMu sync.Mutex
	// codecs holds each model type's codec; nil for a model the codec
	// does not apply to.
	codecs = map[reflect.Type]*modelCodec{}
)

var attrValueType = reflect.TypeFor[attr.Value]()

// codecOf returns the codec of model type t for schema, nil when the
// model does not fit it. A model type serves one resource type, so the
// codec built from the first schema seen serves all calls; decode and
// encode still check the raw value's type against it.
func codecOf(ctx context.Context, t reflect.Type, schema schemaTyper) *modelCodec {
	codecsMu.Lock()
	defer codecsMu.Unlock()
	if c, ok := codecs[t]; ok {
		return c
	}
	if schema == nil { // not known here: decided at the next call
		return nil
	}
	c := newModelCodec(ctx, t, schema)
	codecs[t] = c
	return c
}

func newModelCodec(ctx context.Context, t reflect.Type, schema schemaTyper) *modelCodec {
	withAttrs, ok := schema.Type().(attr.TypeWithAttributeTypes)
	if !ok {
		return nil
	}
	objType, ok := withAttrs.TerraformType(ctx).(tftypes.Object)
	if !ok || len(objType.OptionalAttributes) > 0 {
		return nil
	}
	attrTypes := withAttrs.AttributeTypes()
	c := &modelCodec{objType: objType}
	if !c.addFields(ctx, t, nil, attrTypes) || len(c.fields) != len(attrTypes) {
		return nil
	}
	return c
}

// addFields adds the tagged fields of struct t, and of the structs it
// embeds by value, as the framework's reflection reads them; false when a
// field does not fit.
func (c *modelCodec) addFields(ctx context.Context, t reflect.Type, index []int, attrTypes map[string]attr.Type) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		at := append(append([]int(nil), index...), i)
		tag, tagged := f.Tag.Lookup("tfsdk")
		switch {
		case f.Anonymous && !tagged:
			if f.Type.Kind() != reflect.Struct || !c.addFields(ctx, f.Type, at, attrTypes) {
				return false
			}
			continue
		case tag == "-":
			continue
		case !tagged || !f.IsExported() || !f.Type.Implements(attrValueType):
			return false
		}
		typ, ok := attrTypes[tag]
		if !ok || typ == nil {
			return false
		}
		tfType := typ.TerraformType(ctx)
		if tfType.Is(tftypes.DynamicPseudoType) || !tfType.Equal(c.objType.AttributeTypes[tag]) {
			return false
		}
		for _, seen := range c.fields {
			if seen.name == tag {
				return false
			}
		}
		c.fields = append(c.fields, codecField{name: tag, index: at, typ: typ, tfType: tfType, goType: f.Type})
	}
	return true
}

// decode fills target (a pointer to the model) from raw; false when the
// framework must do it.
func (c *modelCodec) decode(ctx context.Context, raw tftypes.Value, target reflect.Value) bool {
	if c == nil || raw.Type() == nil || !raw.IsKnown() || raw.IsNull() || !raw.Type().Equal(c.objType) {
		return false
	}
	var values map[string]tftypes.Value
	if raw.As(&values) != nil {
		return false
	}
	out := reflect.New(target.Elem().Type()).Elem()
	for _, f := range c.fields {
		v, err := f.typ.ValueFromTerraform(ctx, values[f.name])
		if err != nil || reflect.TypeOf(v) != f.goType || !valid(ctx, v, f, values[f.name]) {
			return false
		}
		out.FieldByIndex(f.index).Set(reflect.ValueOf(v))
	}
	target.Elem().Set(out)
	return true
}

// encode returns the raw value of model m (a pointer); false when the
// framework must make it.
func (c *modelCodec) encode(ctx context.Context, m reflect.Value) (tftypes.Value, bool) {
	if c == nil {
		return tftypes.Value{}, false
	}
	values := make(map[string]tftypes.Value, len(c.fields))
	for _, f := range c.fields {
		v, ok := m.Elem().FieldByIndex(f.index).Interface().(attr.Value)
		if !ok {
			return tftypes.Value{}, false
		}
		tv, err := v.ToTerraformValue(ctx)
		if err != nil || !tv.Type().Equal(f.tfType) || !valid(ctx, v, f, tv) {
			return tftypes.Value{}, false
		}
		values[f.name] = tv
	}
	return tftypes.NewValue(c.objType, values), true
}

// valid runs the value's own validation, as the framework's reflection
// does; any diagnostic sends the caller to the framework, which reports it.
func valid(ctx context.Context, v attr.Value, f codecField, raw tftypes.Value) bool {
	var diags diag.Diagnostics
	switch t := v.(type) {
	case xattr.ValidateableAttribute:
		resp := xattr.ValidateAttributeResponse{}
		t.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: path.Root(f.name)}, &resp)
		diags = resp.Diagnostics
	default:
		//nolint:staticcheck // the framework still honours it, and so must a copy of its reflection
		if tv, ok := f.typ.(xattr.TypeWithValidate); ok {
			diags = tv.Validate(ctx, raw, path.Root(f.name))
		}
	}
	return len(diags) == 0
}

// getModel reads a plan, state or configuration into a model through the
// codec, or through the framework when the codec does not apply.
func getModel[M any](ctx context.Context, schema schemaTyper, raw tftypes.Value, m *M, fallback func(context.Context, any) diag.Diagnostics) diag.Diagnostics {
	if codecOf(ctx, reflect.TypeFor[M](), schema).decode(ctx, raw, reflect.ValueOf(m)) {
		return nil
	}
	return fallback(ctx, m)
}

// setState writes a model into a state through the codec, or through the
// framework when the codec does not apply.
func setState[M any](ctx context.Context, state *tfsdk.State, m *M) diag.Diagnostics {
	if raw, ok := encodeModel(ctx, state.Schema, state.Raw, m); ok {
		state.Raw = raw
		return nil
	}
	return state.Set(ctx, m)
}

// setPlan is setState for a plan.
func setPlan[M any](ctx context.Context, plan *tfsdk.Plan, m *M) diag.Diagnostics {
	if raw, ok := encodeModel(ctx, plan.Schema, plan.Raw, m); ok {
		plan.Raw = raw
		return nil
	}
	return plan.Set(ctx, m)
}

// encodeModel encodes m for a destination whose current raw value is
// dest: the destination's type must be the codec's.
func encodeModel[M any](ctx context.Context, schema schemaTyper, dest tftypes.Value, m *M) (tftypes.Value, bool) {
	c := codecOf(ctx, reflect.TypeFor[M](), schema)
	if c == nil || dest.Type() == nil || !dest.Type().Equal(c.objType) {
		return tftypes.Value{}, false
	}
	return c.encode(ctx, reflect.ValueOf(m))
}
