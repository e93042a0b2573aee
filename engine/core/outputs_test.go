package core

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
)

// A negative zero is stored as 0, wherever it is in the value, as
// Terraform stores it.
func TestStateOutputWritesZeroWithoutSign(t *testing.T) {
	negZero := cty.NumberVal(new(big.Float).Neg(new(big.Float)))
	out, err := stateOutput(OutputValue{Value: cty.ObjectVal(map[string]cty.Value{
		"n": negZero, "l": cty.ListVal([]cty.Value{negZero, cty.NumberIntVal(-1)}),
	})})
	require.NoError(t, err)
	assert.JSONEq(t, `{"n": 0, "l": [0, -1]}`, string(out.Value))
}
