package ctyattr_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/internal/ctyattr"
)

func TestString(t *testing.T) {
	obj := cty.ObjectVal(map[string]cty.Value{
		"name":    cty.StringVal("oms"),
		"secret":  cty.StringVal("s").Mark("sensitive"),
		"port":    cty.NumberIntVal(8000),
		"pending": cty.UnknownVal(cty.String),
		"unset":   cty.NullVal(cty.String),
	})
	for _, tc := range []struct {
		v    cty.Value
		name string
		want string
	}{
		{obj, "name", "oms"},
		{obj, "secret", "s"},
		{obj, "port", ""},
		{obj, "pending", ""},
		{obj, "unset", ""},
		{obj, "missing", ""},
		{cty.StringVal("not an object"), "name", ""},
		{cty.NullVal(obj.Type()), "name", ""},
		{cty.UnknownVal(obj.Type()), "name", ""},
		{cty.NilVal, "name", ""},
	} {
		assert.Equal(t, tc.want, ctyattr.String(tc.v, tc.name), "%#v . %s", tc.v, tc.name)
	}
}
