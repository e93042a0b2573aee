package core

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
)

// plantimestamp() is when planning started, in the plan and again when a
// later run applies that plan.
func TestPlanTimestamp(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "stamp" {
  path    = "/etc/stamp"
  content = plantimestamp()
}
output "stamp" {
  value = plantimestamp()
}
`})
	planned := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	te.PlanTime = planned
	p := te.plan(t, NormalMode)
	assert.Equal(t, planned, p.Timestamp)
	assert.Equal(t, cty.StringVal("2001-02-03T04:05:06Z"), p.Outputs["stamp"].Value)

	te.reload(t) // another run, with no PlanTime of its own
	te.apply(t, p)
	b, err := os.ReadFile(filepath.Join(te.root, "etc/stamp"))
	require.NoError(t, err)
	assert.Equal(t, "2001-02-03T04:05:06Z", string(b))
}
