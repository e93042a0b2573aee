package core

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// planCounter passes every call to the real provider and counts its
// PlanResourceChange calls by the path of the planned file.
type planCounter struct {
	tfprotov6.ProviderServer
	schema *Schema
	mu     sync.Mutex
	calls  map[string]int
}

func (p *planCounter) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	cfg, err := decode(req.Config, p.schema.Type)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.calls[cfg.GetAttr("path").AsString()]++
	p.mu.Unlock()
	return p.ProviderServer.PlanResourceChange(ctx, req)
}

// TestApplyReusesPlansNothingChangedBelow: apply plans again only the
// instances whose configuration was not known at plan time or that sit
// below a resource this apply changes; the others are applied as planned,
// and every file ends up as configured.
func TestApplyReusesPlansNothingChangedBelow(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "base" {
  path    = "/srv/base"
  content = "base"
}
resource "spice_file" "alone" {
  count   = 3
  path    = "/srv/alone-${count.index}"
  content = "alone ${count.index}"
}
resource "spice_file" "after" {
  path       = "/srv/after"
  content    = "after"
  depends_on = [spice_file.base]
}
resource "spice_file" "ref" {
  path    = "/srv/ref"
  content = "id ${spice_file.base.id}"
}
`})
	counter := &planCounter{schema: te.Schemas.For(config.Managed, "spice_file"), calls: map[string]int{}}
	te.Factory = func() tfprotov6.ProviderServer {
		counter.ProviderServer = factory()
		return counter
	}
	p := te.plan(t, NormalMode)
	counter.calls = map[string]int{}
	te.apply(t, p)
	require.Equal(t, map[string]int{"/srv/after": 1, "/srv/ref": 1}, counter.calls, "plans asked for again at apply")

	for name, want := range map[string]string{"base": "base", "alone-0": "alone 0", "alone-2": "alone 2", "after": "after", "ref": "id /srv/base"} {
		got, err := os.ReadFile(filepath.Join(te.root, "srv", name))
		require.NoError(t, err)
		require.Equal(t, want, string(got), name)
	}
	te.reload(t)
	require.False(t, te.plan(t, NormalMode).HasChanges(), "converged")
}
