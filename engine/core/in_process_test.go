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
// PlansNoChange and ReadInProcess), counting the PlanResourceChange and
// ReadResource calls it still gets.
type shortcutServer struct {
	inProcessServer
	plans, reads, validations *atomic.Int64
}

type inProcessServer interface {
	tfprotov6.ProviderServer
	noChangePlanner
	inProcessReader
	cleanValidator
}

func newShortcutServer() (*atomic.Int64, *atomic.Int64, *atomic.Int64, Factory) {
	var plans, reads, validations atomic.Int64
	return &plans, &reads, &validations, func() tfprotov6.ProviderServer {
		server, ok := provider.NewServer("test").(inProcessServer)
		if !ok {
			panic("the provider's in-process server lost its in-process calls")
		}
		return shortcutServer{server, &plans, &reads, &validations}
	}
}

func (s shortcutServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	s.validations.Add(1)
	return s.inProcessServer.ValidateResourceConfig(ctx, req)
}

func (s shortcutServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	s.plans.Add(1)
	return s.inProcessServer.PlanResourceChange(ctx, req)
}

func (s shortcutServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	s.reads.Add(1)
	return s.inProcessServer.ReadResource(ctx, req)
}

// Plans take the provider's in-process shortcuts (PlansNoChange instead
// of PlanResourceChange, ReadInProcess instead of ReadResource) and come
// out exactly as the framework's: the same changes, values, private state
// and drift as a plan with the framework alone, for a converged
// configuration and for each thing that must still show up.
func TestInProcessShortcutsAgreeWithFramework(t *testing.T) {
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
# Refresh reads the mode back as "0640": the framework keeps "640", which
# its type calls semantically equal.
resource "spice_file" "m" {
  path    = "/etc/m"
  content = "m\n"
  mode    = "640"
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
		{name: "file removed from the host", change: func(t *testing.T, te *testEngine) {
			require.NoError(t, os.Remove(filepath.Join(te.root, "etc/f0")))
		}, changed: map[string]Action{"spice_file.f[0]": Create}, calls: 1},
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
			// No create brings parent directories along, so no object has
			// private state, which ReadInProcess leaves to ReadResource.
			require.NoError(t, os.Mkdir(filepath.Join(te.root, "etc"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(te.root, "source.txt"), []byte("source\n"), 0o644))
			te.apply(t, te.plan(t, NormalMode))
			tt.change(t, te)

			te.reload(t)
			framework := te.plan(t, NormalMode)

			plans, reads, validations, shortcutFactory := newShortcutServer()
			te.Factory = shortcutFactory
			te.reload(t)
			shortcut := te.plan(t, NormalMode)

			want := map[string]Action{"spice_file.f[0]": NoOp, "spice_file.f[1]": NoOp, "spice_file.f[2]": NoOp, "spice_file.s": NoOp, "spice_file.m": NoOp}
			for addr, action := range tt.changed {
				want[addr] = action
			}
			assert.Equal(t, want, actionsOf(framework), "the framework's plan")
			assert.Equal(t, tt.calls, plans.Load(), "PlanResourceChange calls")
			assert.Zero(t, reads.Load(), "ReadResource calls")
			assert.Zero(t, validations.Load(), "ValidateResourceConfig calls")
			require.Len(t, shortcut.Drift, len(framework.Drift))
			for i, d := range shortcut.Drift {
				fd := framework.Drift[i]
				assert.Equal(t, fd.Addr, d.Addr)
				assert.True(t, fd.After.RawEquals(d.After), "%s: refreshed %#v, the framework %#v", d.Addr, d.After, fd.After)
			}
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

// Configurations the provider finds fault with are validated by the
// framework, whatever finds the fault, and draw its diagnostics exactly.
func TestInProcessValidationLeavesFaultsToFramework(t *testing.T) {
	tests := []struct{ name, body, summary string }{
		{name: "attribute validator", body: `path = "relative"
  content = "x"`, summary: "Invalid path"},
		{name: "type validation", body: `path = "/etc/f"
  content = "x"
  mode = "999"`, summary: "Invalid file mode"},
		{name: "resource ValidateConfig", body: `path = "/etc/f"
  content = "x"
  source = "/etc/hostname"`, summary: "Invalid attribute combination"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  root = "ROOT"
}
resource "spice_file" "f" {
  ` + tt.body + `
}
`})
			_, want := te.Plan(context.Background(), NormalMode)
			_, _, validations, shortcutFactory := newShortcutServer()
			te.Factory = shortcutFactory
			te.reload(t)
			_, got := te.Plan(context.Background(), NormalMode)
			require.NotEmpty(t, want.Errs())
			assert.Equal(t, tt.summary, want[0].Summary)
			assert.Equal(t, want.Error(), got.Error())
			assert.Equal(t, int64(1), validations.Load(), "ValidateResourceConfig calls")
		})
	}
}
