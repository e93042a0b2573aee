package core

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/provider"
)

// shortcutServer is the provider server the spice CLI runs (with
// PlansNoChange), counting the PlanResourceChange calls it still gets.
type shortcutServer struct {
	noChangeServer
	plans *atomic.Int64
}

type noChangeServer interface {
	tfprotov6.ProviderServer
	noChangePlanner
}

func (s shortcutServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	s.plans.Add(1)
	return s.noChangeServer.PlanResourceChange(ctx, req)
}

// A converged plan takes the provider's PlansNoChange instead of
// PlanResourceChange, and plans exactly what PlanResourceChange plans:
// the same plan as the framework's alone, for a converged configuration
// and for each thing that must still show up as a change.
func TestPlanShortcutHidesNoChange(t *testing.T) {
	const config = `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "f" {
  count   = 3
  path    = "/etc/f${count.index}"
  content = "v${count.index}\n"
}
resource "spice_file" "s" {
  path   = "/etc/s"
  source = "ROOT/source.txt"
}
`
	tests := []struct {
		name    string
		change  func(t *testing.T, te *testEngine)
		changed map[string]Action // every other instance: NoOp
		calls   int64             // PlanResourceChange calls with the shortcut
	}{
		{name: "converged", change: func(*testing.T, *testEngine) {}},
		{name: "file edited on the host", change: func(t *testing.T, te *testEngine) {
			require.NoError(t, os.WriteFile(filepath.Join(te.root, "etc/f1"), []byte("edited\n"), 0o644))
		}, changed: map[string]Action{"spice_file.f[1]": Update}, calls: 1},
		{name: "mode changed on the host, default mode planned by ModifyPlan", change: func(t *testing.T, te *testEngine) {
			require.NoError(t, os.Chmod(filepath.Join(te.root, "etc/f2"), 0o600))
		}, changed: map[string]Action{"spice_file.f[2]": Update}, calls: 1},
		{name: "content changed in the configuration", change: func(t *testing.T, te *testEngine) {
			te.write(t, map[string]string{"main.tf": strings.Replace(config, `source = "ROOT/source.txt"`, `content = "declared\n"`, 1)})
		}, changed: map[string]Action{"spice_file.s": Update}, calls: 1},
		{name: "source file changed on this machine, read by ModifyPlan", change: func(t *testing.T, te *testEngine) {
			require.NoError(t, os.WriteFile(filepath.Join(te.root, "source.txt"), []byte("new source\n"), 0o644))
		}, changed: map[string]Action{"spice_file.s": Update}, calls: 1},
		{name: "path changed in the configuration", change: func(t *testing.T, te *testEngine) {
			te.write(t, map[string]string{"main.tf": strings.Replace(config, `"/etc/s"`, `"/etc/moved"`, 1)})
		}, changed: map[string]Action{"spice_file.s": DeleteThenCreate}, calls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEngine(t, map[string]string{"main.tf": config})
			require.NoError(t, os.WriteFile(filepath.Join(te.root, "source.txt"), []byte("source\n"), 0o644))
			te.apply(t, te.plan(t, NormalMode))
			tt.change(t, te)

			te.reload(t)
			framework := te.plan(t, NormalMode)

			var plans atomic.Int64
			te.Factory = func() tfprotov6.ProviderServer {
				return shortcutServer{provider.NewServer("test").(noChangeServer), &plans}
			}
			te.reload(t)
			shortcut := te.plan(t, NormalMode)

			want := map[string]Action{"spice_file.f[0]": NoOp, "spice_file.f[1]": NoOp, "spice_file.f[2]": NoOp, "spice_file.s": NoOp}
			for addr, action := range tt.changed {
				want[addr] = action
			}
			assert.Equal(t, want, actionsOf(framework), "the framework's plan")
			assert.Equal(t, tt.calls, plans.Load(), "PlanResourceChange calls")
			require.Len(t, shortcut.Changes, len(framework.Changes))
			for i, c := range shortcut.Changes {
				fc := framework.Changes[i]
				assert.Equal(t, fc.Action, c.Action, c.Addr)
				assert.True(t, fc.After.RawEquals(c.After), "%s: planned %#v, the framework %#v", c.Addr, c.After, fc.After)
				assert.Equal(t, fc.Private, c.Private, c.Addr)
				assert.Equal(t, fc.ReplacePaths, c.ReplacePaths, c.Addr)
			}
		})
	}
}
