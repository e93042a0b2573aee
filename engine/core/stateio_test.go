package core

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
)

// An instance key reads back the same whether the state was just written
// in memory (keyJSON's value, as spice watch keeps state between repairs)
// or decoded from the file, and prints the same in both cases.
func TestInstanceKeysReadBackInMemoryAndFromJSON(t *testing.T) {
	for _, tc := range []struct {
		key  cty.Value
		want string
	}{
		{cty.NumberIntVal(0), "[0]"},
		{cty.NumberIntVal(1234), "[1234]"},
		{cty.StringVal("a"), `["a"]`},
		{cty.StringVal("0"), `["0"]`},
	} {
		inMemory := keyJSON(tc.key)
		b, err := json.Marshal(inMemory)
		require.NoError(t, err)
		var decoded any
		require.NoError(t, json.Unmarshal(b, &decoded))
		assert.Equal(t, tc.want, keyString(keyValue(inMemory)), "in memory")
		assert.Equal(t, tc.want, keyString(keyValue(decoded)), "decoded")
	}
	assert.Equal(t, "[0.5]", keyString(cty.NumberFloatVal(0.5)), "a non-integer number keeps its decimal form")
}
