package core

import (
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

// A diagnostic quoting a sensitive value HCL computed keeps its summary
// and loses its detail; others stay as they are.
func TestRedactDiagnostics(t *testing.T) {
	for expr, hidden := range map[string]bool{
		`{for k, v in {a = sensitive("s3cret"), b = sensitive("s3cret")} : v => k}`: true,
		`{for k, v in {a = "plain", b = "plain"} : v => k}`:                         false,
		`{for v in sensitive(["s3cret", "s3cret"]) : v => 1}`:                       true,
	} {
		file, diags := hclsyntax.ParseConfig([]byte("x = "+expr), "t.tf", hcl.InitialPos)
		require.False(t, diags.HasErrors())
		body, ok := file.Body.(*hclsyntax.Body)
		require.True(t, ok)
		e := body.Attributes["x"].Expr
		require.False(t, diags.HasErrors())
		_, diags = e.Value(&hcl.EvalContext{Functions: funcs.Library(t.TempDir(), time.Now())})
		require.True(t, diags.HasErrors(), expr)
		redacted := RedactDiagnostics(diags, map[string]*hcl.File{"t.tf": file})
		assert.Equal(t, "Duplicate object key", redacted[0].Summary)
		assert.Equal(t, hidden, !assert.ObjectsAreEqual(diags[0].Detail, redacted[0].Detail), expr)
		assert.NotContains(t, redacted.Error(), "s3cret", expr)
	}
}
