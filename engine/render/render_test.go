package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./engine/render -update to create it")
	assert.Equal(t, string(want), got)
}

// fileType is the object type of the plans below: a file with a path,
// content that may span lines, a mode, a sensitive secret and a computed id.
var fileType = cty.Object(map[string]cty.Type{
	"id": cty.String, "path": cty.String, "content": cty.String, "mode": cty.String, "secret": cty.String, "tags": cty.Map(cty.String), "ports": cty.List(cty.Number),
})

func file(path, content, mode string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"id": cty.StringVal(path), "path": cty.StringVal(path), "content": cty.StringVal(content), "mode": cty.StringVal(mode),
		"secret": cty.StringVal("hunter2"), "tags": cty.MapVal(map[string]cty.Value{"role": cty.StringVal("web"), "env": cty.StringVal("prod")}),
		"ports": cty.ListVal([]cty.Value{cty.NumberIntVal(80), cty.NumberIntVal(443)}),
	})
}

func planned(path, content, mode string) cty.Value {
	m := file(path, content, mode).AsValueMap()
	m["id"] = cty.UnknownVal(cty.String)
	return cty.ObjectVal(m)
}

var secret = []cty.Path{cty.GetAttrPath("secret")}

func change(addr string, a core.Action, before, after cty.Value) *core.Change {
	return &core.Change{Addr: addr, ResourceAddr: addr, Mode: config.Managed, Type: "spice_file", Name: name(addr), Action: a, Before: before, After: after, Sensitive: secret}
}

// everyAction is a plan with one change of each kind, and drift.
func everyAction() *core.Plan {
	null := cty.NullVal(fileType)
	replace := change("spice_file.moved", core.DeleteThenCreate, file("/a", "x\n", "0644"), planned("/b", "x\n", "0644"))
	replace.ReplacePaths = []cty.Path{cty.GetAttrPath("path")}
	cbd := change("spice_file.cbd", core.CreateThenDelete, file("/c", "x\n", "0644"), planned("/d", "x\n", "0644"))
	cbd.ReplacePaths = []cty.Path{cty.GetAttrPath("path")}
	counted := change("spice_file.n[0]", core.Create, null, planned("/n0", "one\ntwo\n", "0600"))
	counted.ResourceAddr, counted.Key = "spice_file.n", cty.NumberIntVal(0)
	imported := change("spice_file.adopted", core.NoOp, file("/i", "i\n", "0644"), file("/i", "i\n", "0644"))
	imported.ImportID = "/i"
	read := &core.Change{Addr: "data.spice_host.h", ResourceAddr: "data.spice_host.h", Mode: config.Data, Type: "spice_host", Name: "h", Action: core.Read,
		Before: cty.NullVal(fileType), After: cty.UnknownVal(fileType)}
	readNow := &core.Change{Addr: "data.spice_host.now", ResourceAddr: "data.spice_host.now", Mode: config.Data, Type: "spice_host", Name: "now", Action: core.NoOp,
		Before: cty.NullVal(fileType), After: file("/h", "", "0644")}
	return &core.Plan{
		Changes: []*core.Change{
			change("spice_file.new", core.Create, null, planned("/new", "hello\n", "0644")),
			change("spice_file.edited", core.Update, file("/e", "old\n", "0644"), file("/e", "new\n", "0600")),
			change("spice_file.same", core.NoOp, file("/s", "s\n", "0644"), file("/s", "s\n", "0644")),
			replace, cbd, counted, imported, read, readNow,
			change("spice_file.gone", core.Delete, file("/g", "bye\n", "0644"), null),
		},
		Drift: []*core.Drift{
			{Addr: "spice_file.edited", Type: "spice_file", Before: file("/e", "older\n", "0644"), After: file("/e", "old\n", "0644"), Sensitive: secret},
			{Addr: "spice_file.vanished", Type: "spice_file", Before: file("/v", "v\n", "0644"), After: null, Sensitive: secret},
		},
		Outputs: map[string]core.OutputValue{
			"path":  {Value: cty.StringVal("/new")},
			"token": {Value: cty.StringVal("hunter2"), Sensitive: true},
		},
	}
}

func TestPlanText(t *testing.T) {
	for name, tc := range map[string]struct {
		plan   *core.Plan
		colors bool
	}{
		"every_action.txt":       {plan: everyAction()},
		"every_action_color.txt": {plan: everyAction(), colors: true},
		"no_changes.txt": {plan: &core.Plan{Changes: []*core.Change{
			change("spice_file.same", core.NoOp, file("/s", "s\n", "0644"), file("/s", "s\n", "0644")),
		}}},
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			Plan(&b, tc.plan, NewColors(tc.colors))
			golden(t, name, b.String())
			assert.NotContains(t, b.String(), "hunter2", "a sensitive value never shows")
		})
	}
}

func TestPlanJSON(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JSON(&b, everyAction()))
	golden(t, "every_action.json", b.String())
	assert.NotContains(t, b.String(), "hunter2", "a sensitive value never shows")
	var parsed struct {
		ResourceChanges []struct {
			Address string `json:"address"`
		} `json:"resource_changes"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &parsed))
	for _, c := range parsed.ResourceChanges {
		assert.NotEqual(t, "data.spice_host.now", c.Address, "a data source read while planning is not a change")
	}
}

func TestCounts(t *testing.T) {
	imports, add, change, destroy := Counts(everyAction())
	assert.Equal(t, []int{1, 4, 1, 3}, []int{imports, add, change, destroy}, "a replacement adds one and destroys one")
}

// stateSchemas is a provider schema for spice_file with a sensitive
// attribute, as core derives it from the protocol.
func stateSchemas(t *testing.T) *core.Schemas {
	t.Helper()
	s, err := core.NewSchema(&tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{
		{Name: "id", Type: tftypes.String, Computed: true},
		{Name: "path", Type: tftypes.String, Required: true},
		{Name: "content", Type: tftypes.String, Optional: true},
		{Name: "secret", Type: tftypes.String, Optional: true, Sensitive: true},
	}}})
	require.NoError(t, err)
	return &core.Schemas{Resources: map[string]*core.Schema{"spice_file": s}, DataSources: map[string]*core.Schema{"spice_file": s}}
}

func stateFile(t *testing.T, schemas *core.Schemas) *state.File {
	t.Helper()
	ty := schemas.Resources["spice_file"].Type
	attrs := func(path string) json.RawMessage {
		b, err := ctyjson.Marshal(cty.ObjectVal(map[string]cty.Value{
			"id": cty.StringVal(path), "path": cty.StringVal(path), "content": cty.StringVal("a\nb\n"), "secret": cty.StringVal("hunter2"),
		}), ty)
		require.NoError(t, err)
		return b
	}
	st := state.New()
	st.Resources = []state.Resource{
		{Mode: "managed", Type: "spice_file", Name: "f", Provider: `provider["registry.terraform.io/spice-harvester/spice"]`,
			Instances: []state.Instance{{Attributes: attrs("/f"), SensitiveAttributes: json.RawMessage("[]")}}},
		{Mode: "data", Type: "spice_file", Name: "d", Each: "list", Provider: `provider["registry.terraform.io/spice-harvester/spice"]`,
			Instances: []state.Instance{{IndexKey: 0, Attributes: attrs("/d"), SensitiveAttributes: json.RawMessage("[]")}}},
	}
	st.Outputs = map[string]state.Output{
		"path":  {Value: json.RawMessage(`"/f"`), Type: json.RawMessage(`"string"`)},
		"token": {Value: json.RawMessage(`"hunter2"`), Type: json.RawMessage(`"string"`), Sensitive: true},
		"ports": {Value: json.RawMessage(`[80,443]`), Type: json.RawMessage(`["list","number"]`)},
	}
	return st
}

func TestState(t *testing.T) {
	schemas := stateSchemas(t)
	st := stateFile(t, schemas)

	var b bytes.Buffer
	assert.True(t, State(&b, st, schemas, ""))
	golden(t, "state.txt", b.String())
	assert.NotContains(t, b.String(), "hunter2")

	b.Reset()
	assert.True(t, State(&b, st, schemas, "data.spice_file.d[0]"))
	golden(t, "state_one.txt", b.String())
	assert.False(t, State(&b, st, schemas, "spice_file.nope"))

	j, err := json.MarshalIndent(StateJSON(st, schemas), "", "  ")
	require.NoError(t, err)
	golden(t, "state.json", string(j)+"\n")
	assert.NotContains(t, string(j), "hunter2")
}

func TestOutputText(t *testing.T) {
	for want, o := range map[string]state.Output{
		`"x"`:         {Value: json.RawMessage(`"x"`), Type: json.RawMessage(`"string"`)},
		"<sensitive>": {Value: json.RawMessage(`"x"`), Type: json.RawMessage(`"string"`), Sensitive: true},
		"true":        {Value: json.RawMessage(`true`), Type: json.RawMessage(`"bool"`)},
		"{}":          {Value: json.RawMessage(`{}`), Type: json.RawMessage(`["map","string"]`)},
		"[]":          {Value: json.RawMessage(`[]`), Type: json.RawMessage(`["list","string"]`)},
		"not json":    {Value: json.RawMessage(`not json`), Type: json.RawMessage(`"string"`)},
	} {
		assert.Equal(t, want, OutputText(o))
	}
}
