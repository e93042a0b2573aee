package funcs

import (
	"errors"
	"strings"

	"github.com/hashicorp/go-cty-funcs/cidr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Terraform parses IPv4 addresses as Go did before 1.17: an octet may have
// leading zeros and is still decimal ("010" is 10). The go-cty-funcs
// functions parse with today's Go, so their prefix argument is first
// written without those zeros.
var (
	cidrHostFunc    = withPlainPrefix(cidr.HostFunc)
	cidrSubnetFunc  = withPlainPrefix(cidr.SubnetFunc)
	cidrSubnetsFunc = withPlainPrefix(cidr.SubnetsFunc)
	cidrNetmaskFunc = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if strings.Contains(args[0].AsString(), ":") {
				return cty.NilVal, errors.New("IPv6 addresses cannot have a netmask: " + args[0].AsString())
			}
			return cidr.NetmaskFunc.Call([]cty.Value{cty.StringVal(plainPrefix(args[0].AsString()))})
		},
	})
)

func withPlainPrefix(fn function.Function) function.Function {
	spec := &function.Spec{
		Params:   fn.Params(),
		VarParam: fn.VarParam(),
		Type:     fn.ReturnTypeForValues,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			args = append([]cty.Value{cty.StringVal(plainPrefix(args[0].AsString()))}, args[1:]...)
			return fn.Call(args)
		},
	}
	return function.New(spec)
}

// plainPrefix drops leading zeros from the octets of an IPv4 prefix
// ("010.001.0.0/16" is "10.1.0.0/16"); anything else is left as it is.
func plainPrefix(prefix string) string {
	addr, bits, ok := strings.Cut(prefix, "/")
	octets := strings.Split(addr, ".")
	if !ok || len(octets) != 4 {
		return prefix
	}
	for i, o := range octets {
		if trimmed := strings.TrimLeft(o, "0"); len(o) > 1 {
			if trimmed == "" {
				trimmed = "0"
			}
			octets[i] = trimmed
		}
	}
	return strings.Join(octets, ".") + "/" + bits
}
