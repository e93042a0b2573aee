package funcs

import (
	"errors"
	"math/big"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// signumFunc is the sign of a whole number that fits 64 bits: Terraform
// 1.11 (go-cty 1.16) refuses any other number, 0.5 and 1e30 included.
var signumFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "num", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		f := args[0].AsBigFloat()
		if _, acc := f.Int64(); !f.IsInt() || acc != big.Exact {
			return cty.NilVal, errors.New("value must be a whole number, between -9223372036854775808 and 9223372036854775807")
		}
		return cty.NumberIntVal(int64(f.Sign())), nil
	},
})
