package core

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
)

// After a plan, a report finds every provider configuration (with why an
// unreachable one failed), the objects state keeps for each, and reads a
// data source through a configured one only.
func TestWhatAReportReadsAfterPlan(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
provider "spice" {
  alias = "gone"
  root  = "ROOT/no-such-dir"
}
resource "spice_file" "a" {
  count   = 2
  path    = "/etc/a${count.index}"
  content = "a\n"
}
resource "spice_file" "b" {
  provider = spice.gone
  path     = "/etc/b"
  content  = "b\n"
}
`})
	p, diags := te.Plan(context.Background(), NormalMode)
	require.True(t, diags.HasErrors())
	require.True(t, p.Partial, diags.Error())
	assert.Equal(t, []string{"spice", "spice.gone"}, te.ProviderKeys())
	assert.Equal(t, []string{"spice.gone"}, p.Unreachable)
	assert.Contains(t, p.HostErrors["spice.gone"], "Invalid root")
	assert.NotContains(t, p.HostErrors, "spice")
	assert.Equal(t, cty.StringVal(te.root), te.ProviderConfig("spice").GetAttr("root"))
	assert.Equal(t, cty.NilVal, te.ProviderConfig("spice.other"))

	cfg := cty.ObjectVal(map[string]cty.Value{"id": cty.NullVal(cty.String), "url": cty.StringVal("http://127.0.0.1:1/"),
		"expect_status": cty.NullVal(cty.Number), "timeout": cty.NullVal(cty.String), "status": cty.NullVal(cty.Number),
		"healthy": cty.NullVal(cty.Bool), "latency_ms": cty.NullVal(cty.Number), "error": cty.NullVal(cty.String)})
	_, err := te.ReadData(context.Background(), "spice.gone", "spice_http_check", cfg)
	assert.ErrorContains(t, err, "provider spice.gone is not configured")
	_, err = te.ReadData(context.Background(), "spice", "spice_nothing", cfg)
	assert.ErrorContains(t, err, "no data source spice_nothing")
	_, err = te.ReadData(context.Background(), "spice", "spice_http_check", cfg)
	assert.ErrorContains(t, err, "Cannot check http://127.0.0.1:1/", "the provider's own error: an image runs no services")

	// Apply converges what it reaches: state keeps spice's objects only.
	_ = te.Apply(context.Background(), p, te.save)
	te.reload(t)
	var addrs []string
	for _, inst := range te.ManagedInstances("spice_file") {
		addrs = append(addrs, inst.Addr+" "+inst.ProviderKey)
		assert.Equal(t, "spice_file", inst.Type)
		assert.Equal(t, cty.StringVal("a\n"), inst.Value.GetAttr("content"))
	}
	assert.Equal(t, []string{"spice_file.a[0] spice", "spice_file.a[1] spice"}, addrs)
}
