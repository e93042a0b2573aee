package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// decodeStringObject decodes what ctyjson decodes exactly as ctyjson
// does, and leaves everything else to it.
func TestDecodeStringObjectAgreesWithCtyJSON(t *testing.T) {
	strings := cty.Object(map[string]cty.Type{"path": cty.String, "content": cty.String})
	tests := []struct {
		name string
		ty   cty.Type
		raw  string
		ok   bool
	}{
		{name: "every attribute", ty: strings, raw: `{"path":"/etc/a","content":"x\n"}`, ok: true},
		{name: "null and missing attributes", ty: strings, raw: `{"path":null}`, ok: true},
		{name: "escapes and a string cty normalizes", ty: strings, raw: `{"path":"/etc/\u00e9","content":"e\u0301 \ud83d\ude00 \"q\""}`, ok: true},
		{name: "invalid UTF-8", ty: strings, raw: "{\"path\":\"\xff\"}", ok: true},
		{name: "a key twice", ty: strings, raw: `{"path":"/a","path":"/b"}`, ok: true},
		{name: "no attributes", ty: cty.EmptyObject, raw: `{}`, ok: true},
		{name: "unsupported attribute", ty: strings, raw: `{"path":"/a","mode":"0644"}`},
		{name: "a number", ty: strings, raw: `{"path":1}`},
		{name: "null object", ty: strings, raw: `null`},
		{name: "not an object", ty: strings, raw: `["a"]`},
		{name: "invalid JSON", ty: strings, raw: `{"path":`},
		{name: "not only strings in the type", ty: cty.Object(map[string]cty.Type{"n": cty.Number}), raw: `{"n":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := decodeStringObject([]byte(tt.raw), tt.ty)
			assert.Equal(t, tt.ok, ok)
			if !ok {
				return
			}
			want, err := ctyjson.Unmarshal([]byte(tt.raw), tt.ty)
			assert.NoError(t, err)
			assert.True(t, want.RawEquals(got), "decoded %#v, ctyjson %#v", got, want)
		})
	}
}
