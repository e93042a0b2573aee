package core

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
	"github.com/spice-harvester/terraform-provider-spice/provider"
)

// The tests here drive the engine with the real spice provider, in process,
// in image mode: provider "spice" { root = DIR } writes files under DIR and
// touches nothing else on this machine.

var factory Factory = func() tfprotov6.ProviderServer { return providerserver.NewProtocol6(provider.New("test")())() }

// testEngine loads files (main.tf and friends; ROOT in them is replaced by
// the image root) into an engine with empty state.
type testEngine struct {
	*Engine
	root  string
	work  string
	saved int
}

func newTestEngine(t *testing.T, files map[string]string) *testEngine {
	t.Helper()
	te := &testEngine{root: t.TempDir(), work: t.TempDir()}
	te.write(t, files)
	schemas, err := LoadSchemas(context.Background(), factory())
	require.NoError(t, err)
	te.Engine = &Engine{State: state.New(), Factory: factory, Schemas: schemas, Parallelism: 4, Refresh: true}
	te.reload(t)
	return te
}

func (te *testEngine) write(t *testing.T, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(te.work, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(strings.ReplaceAll(content, "ROOT", te.root)), 0o644))
	}
}

// reload loads the configuration again, as a new spice run would, and
// the state from the file the last apply saved.
func (te *testEngine) reload(t *testing.T) {
	t.Helper()
	if te.saved > 0 {
		st, err := state.Read(te.statePath())
		require.NoError(t, err)
		te.State = st
	}
	m, diags := config.Load(te.work)
	require.False(t, diags.HasErrors(), diags.Error())
	vals, diags := m.VariableValues(nil)
	require.False(t, diags.HasErrors(), diags.Error())
	te.Engine = &Engine{Module: m, Vars: vals, State: te.State, Factory: te.Factory, Schemas: te.Schemas, Parallelism: te.Parallelism, Refresh: te.Refresh}
}

func (te *testEngine) plan(t *testing.T, mode Mode) *Plan {
	t.Helper()
	p, diags := te.Plan(context.Background(), mode)
	require.False(t, diags.HasErrors(), diags.Error())
	return p
}

func (te *testEngine) apply(t *testing.T, p *Plan) {
	t.Helper()
	diags := te.Apply(context.Background(), p, te.save)
	require.False(t, diags.HasErrors(), diags.Error())
}

func (te *testEngine) statePath() string { return filepath.Join(te.work, state.DefaultPath) }

func (te *testEngine) save(f *state.File) error {
	te.saved++
	return state.Write(te.statePath(), f)
}

// actions maps each planned change's address to its action.
func actionsOf(p *Plan) map[string]Action {
	out := map[string]Action{}
	for _, c := range p.Changes {
		out[c.Addr] = c.Action
	}
	return out
}

func summaries(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary)
	}
	sort.Strings(out)
	return out
}
