package core

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/stretchr/testify/assert"
	"github.com/zclconf/go-cty/cty"
)

func TestProposedNew(t *testing.T) {
	block := &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{
		{Name: "path", Type: tftypes.String, Required: true},
		{Name: "mode", Type: tftypes.String, Optional: true, Computed: true},
		{Name: "owner", Type: tftypes.String, Optional: true, Computed: true},
		{Name: "sha256", Type: tftypes.String, Computed: true},
	}}
	obj := func(path, mode, owner, sha cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"path": path, "mode": mode, "owner": owner, "sha256": sha})
	}
	null := cty.NullVal(cty.String)
	prior := obj(cty.StringVal("/a"), cty.StringVal("0644"), cty.StringVal("root"), cty.StringVal("abc"))
	for name, tc := range map[string]struct{ prior, cfg, want cty.Value }{
		"create keeps config, computed null": {cty.NullVal(prior.Type()), obj(cty.StringVal("/a"), null, null, null), obj(cty.StringVal("/a"), null, null, null)},
		"computed unset keeps prior":         {prior, obj(cty.StringVal("/a"), null, null, null), prior},
		"configured value wins":              {prior, obj(cty.StringVal("/a"), cty.StringVal("0600"), null, null), obj(cty.StringVal("/a"), cty.StringVal("0600"), cty.StringVal("root"), cty.StringVal("abc"))},
		"required changes":                   {prior, obj(cty.StringVal("/b"), null, null, null), obj(cty.StringVal("/b"), cty.StringVal("0644"), cty.StringVal("root"), cty.StringVal("abc"))},
	} {
		got := proposedNew(block, tc.prior, tc.cfg)
		assert.True(t, got.RawEquals(tc.want), "%s: got %#v", name, got)
	}
}
