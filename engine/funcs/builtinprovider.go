package funcs

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// BuiltinProviderSource is Terraform's own provider, whose functions a
// module may call as provider::NAME::FUNCTION once it requires the provider
// under NAME.
const BuiltinProviderSource = "terraform.io/builtin/terraform"

// BuiltinProviderFunctions are the functions of Terraform's own provider,
// named for a module that requires it as localName.
func BuiltinProviderFunctions(localName string) map[string]function.Function {
	out := map[string]function.Function{}
	for name, fn := range map[string]function.Function{
		"encode_tfvars": encodeTfvarsFunc, "decode_tfvars": decodeTfvarsFunc, "encode_expr": encodeExprFunc,
	} {
		full := fmt.Sprintf("provider::%s::%s", localName, name)
		out[full] = guarded(full, fn)
	}
	return out
}

// encodeTfvarsFunc writes an object as a .tfvars file.
var encodeTfvarsFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if v.IsNull() {
			return cty.NilVal, function.NewArgErrorf(0, "cannot encode a null value in tfvars syntax")
		}
		if !v.IsWhollyKnown() {
			return cty.UnknownVal(cty.String).RefineNotNull(), nil
		}
		if ty := v.Type(); !ty.IsObjectType() && !ty.IsMapType() {
			return cty.NilVal, function.NewArgErrorf(0, "invalid value to encode: must be an object whose attribute names will become the encoded variable names")
		}
		values := v.AsValueMap()
		names := make([]string, 0, len(values))
		for name := range values {
			if !hclsyntax.ValidIdentifier(name) {
				return cty.NilVal, function.NewArgErrorf(0, "invalid variable name %q: must be a valid identifier, per Terraform's rules for input variable declarations", name)
			}
			names = append(names, name)
		}
		sort.Strings(names)
		f := hclwrite.NewEmptyFile()
		for _, name := range names {
			f.Body().SetAttributeValue(name, values[name])
		}
		return cty.StringVal(string(f.Bytes())), nil
	},
})

// decodeTfvarsFunc reads .tfvars source into an object; the values must
// be constants.
var decodeTfvarsFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "src", Type: cty.String}},
	Type:   function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		f, diags := hclsyntax.ParseConfig([]byte(args[0].AsString()), "<decode_tfvars argument>", hcl.InitialPos)
		if diags.HasErrors() {
			return cty.NilVal, fmt.Errorf("invalid tfvars syntax: %s", diags.Error())
		}
		attrs, diags := f.Body.JustAttributes()
		if diags.HasErrors() {
			return cty.NilVal, fmt.Errorf("invalid tfvars content: %s", diags.Error())
		}
		out := make(map[string]cty.Value, len(attrs))
		for name, attr := range attrs {
			v, diags := attr.Expr.Value(nil)
			if diags.HasErrors() {
				return cty.NilVal, fmt.Errorf("invalid expression for variable %q: %s", name, diags.Error())
			}
			out[name] = v
		}
		return cty.ObjectVal(out), nil
	},
})

// encodeExprFunc writes a value as a Terraform expression.
var encodeExprFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !args[0].IsWhollyKnown() {
			return cty.UnknownVal(cty.String).RefineNotNull(), nil
		}
		return cty.StringVal(string(bytes.TrimSpace(hclwrite.TokensForValue(args[0]).Bytes()))), nil
	},
})
