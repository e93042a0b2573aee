package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
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
		Before: cty.NullVal(fileType), After: file("/h", "", "0644"), Sensitive: secret}
	return &core.Plan{
		Changes: []*core.Change{
			change("spice_file.new", core.Create, null, planned("/new", "hello\n", "0644")),
			change("spice_file.edited", core.Update, file("/e", "old\n", "0644"), file("/e", "new\n", "0600")),
			change("spice_file.same", core.NoOp, file("/s", "s\n", "0644"), file("/s", "s\n", "0644")),
			replace, cbd, counted, imported, read, readNow,
			change("spice_file.gone", core.Delete, file("/g", "bye\n", "0644"), null),
		},
		Drift: []*core.Drift{
			{Addr: "spice_file.edited", Type: "spice_file", Name: "edited", Before: file("/e", "older\n", "0644"), After: file("/e", "old\n", "0644"), Sensitive: secret},
			{Addr: "spice_file.vanished", Type: "spice_file", Name: "vanished", Before: file("/v", "v\n", "0644"), After: null, Sensitive: secret},
		},
		Outputs: map[string]core.OutputValue{
			"path":  {Value: cty.StringVal("/new")},
			"token": {Value: cty.StringVal("hunter2"), Sensitive: true},
		},
		OutputChanges: []core.OutputChange{ // against an empty state
			{Name: "path", Action: core.Create, After: cty.StringVal("/new")},
			{Name: "token", Action: core.Create, After: cty.StringVal("hunter2"), Sensitive: true},
		},
	}
}

// workers is issue 21's plan for -var workers=8: one element of a 15-entry
// map, one line of a 16-line file and one element of a list change.
func workers() *core.Plan {
	at := func(n string) cty.Value {
		m := file("/w", "", "0644").AsValueMap()
		tags := map[string]cty.Value{"workers": cty.StringVal(n)}
		var content strings.Builder
		var ports []cty.Value
		for i := range 14 {
			tags[fmt.Sprintf("k%02d", i)] = cty.StringVal("v")
		}
		for i := range 16 {
			fmt.Fprintf(&content, "line %d\n", i)
			if i == 7 {
				fmt.Fprintf(&content, "workers = %s\n", n)
			}
		}
		for i := range 10 {
			ports = append(ports, cty.NumberIntVal(int64(8000+i)))
		}
		ports[5], _ = cty.ParseNumberVal(n)
		m["tags"], m["content"], m["ports"] = cty.MapVal(tags), cty.StringVal(content.String()), cty.ListVal(ports)
		return cty.ObjectVal(m)
	}
	return &core.Plan{Changes: []*core.Change{change("spice_file.w", core.Update, at("4"), at("8"))}}
}

func TestPlanText(t *testing.T) {
	for name, tc := range map[string]struct {
		plan   *core.Plan
		colors bool
	}{
		"every_action.txt":       {plan: everyAction()},
		"every_action_color.txt": {plan: everyAction(), colors: true},
		"workers.txt":            {plan: workers()},
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
	plan := everyAction()
	plan.Timestamp = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, JSON(&b, PlanInput{Plan: plan, Module: &config.Module{}, State: state.New(), Schemas: stateSchemas(t), Version: "test"}))
	golden(t, "every_action.json", b.String())
	assert.NotContains(t, b.String(), "hunter2", "a sensitive value never shows")
	var tf tfjson.Plan
	require.NoError(t, json.Unmarshal(b.Bytes(), &tf))
	require.NoError(t, tf.Validate(), "terraform-json accepts it")
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
	var tf tfjson.State
	require.NoError(t, json.Unmarshal(j, &tf))
	require.NoError(t, tf.Validate(), "terraform-json accepts it")
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

// TestPlanTextAsTerraform renders the plan that Terraform v1.11.4 printed
// into testdata/terraform_data.txt, captured once with `terraform plan
// -no-color -var workers=8` after applying workers=4 to:
//
//	variable "workers" { default = 4 }
//	locals { labels = { for i in range(14) : format("k%02d", i) => "v${i}" } }
//	resource "terraform_data" "labels" {
//	  input = tomap(merge(local.labels, { workers = tostring(var.workers) }))
//	}
//	resource "terraform_data" "file" {
//	  input = join("", [for i in range(16) : i == 7 ? "workers = ${var.workers}\n" : "line ${i}\n"])
//	}
//
// (terraform_data's input is dynamic, so the map arrives as an object.)
// spice's text for the same changes must be Terraform's, byte for byte.
func TestPlanTextAsTerraform(t *testing.T) {
	labels := func(workers string) cty.Value {
		m := map[string]cty.Value{"workers": cty.StringVal(workers)}
		for i := range 14 {
			m[fmt.Sprintf("k%02d", i)] = cty.StringVal(fmt.Sprintf("v%d", i))
		}
		return cty.ObjectVal(m)
	}
	lines := func(workers string) cty.Value {
		var b strings.Builder
		for i := range 16 {
			if i == 7 {
				fmt.Fprintf(&b, "workers = %s\n", workers)
				continue
			}
			fmt.Fprintf(&b, "line %d\n", i)
		}
		return cty.StringVal(b.String())
	}
	data := func(name, id string, old, new cty.Value) *core.Change {
		obj := func(input, output cty.Value) cty.Value {
			return cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal(id), "input": input, "output": output})
		}
		return &core.Change{Addr: "terraform_data." + name, ResourceAddr: "terraform_data." + name, Mode: config.Managed, Type: "terraform_data", Name: name,
			Action: core.Update, Before: obj(old, old), After: obj(new, cty.UnknownVal(new.Type()))}
	}
	var b bytes.Buffer
	Plan(&b, &core.Plan{Changes: []*core.Change{
		data("file", "15a73707-3900-9128-1e1b-36537271c699", lines("4"), lines("8")),
		data("labels", "c0540c4b-4a1c-db13-b50e-23672fb41156", labels("4"), labels("8")),
	}}, NewColors(false))
	got, _, found := strings.Cut(strings.TrimPrefix(b.String(), "\nspice will perform the following actions:\n\n"), "Plan:")
	require.True(t, found, "the plan has a summary line")
	want, err := os.ReadFile(filepath.Join("testdata", "terraform_data.txt"))
	require.NoError(t, err)
	assert.Equal(t, string(want), got)
}

// A refresh-only plan lists the outputs it would save, as Terraform's
// "Changes to Outputs", sensitive values named only; without drift or
// output changes it says the infrastructure still matches.
func TestRefreshOnlyText(t *testing.T) {
	tests := []struct {
		name    string
		outputs []core.OutputChange
		want    string
	}{
		{"outputs change", []core.OutputChange{ // by name, as core sorts them
			{Name: "path", Action: core.Update, Before: cty.StringVal("/old"), After: cty.StringVal("/new")},
			{Name: "removed", Action: core.Delete, Before: cty.NumberIntVal(1)},
			{Name: "same", Action: core.NoOp, Before: cty.StringVal("s"), After: cty.StringVal("s")},
			{Name: "token", Action: core.Create, After: cty.StringVal("hunter2"), Sensitive: true},
		}, `
Changes to Outputs:
  ~ path    = "/old" -> "/new"
  - removed = 1 -> null
  + token   = (sensitive value)

You can apply this plan to save these new output values to the spice state, without changing any real infrastructure.
`},
		{"nothing changed", []core.OutputChange{{Name: "same", Action: core.NoOp, Before: cty.StringVal("s"), After: cty.StringVal("s")}}, `
No changes. Your infrastructure still matches the configuration.

spice has checked that the real remote objects still match the result of your most recent changes, and found no differences.
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			Plan(&b, &core.Plan{Mode: core.RefreshOnlyMode, OutputChanges: tt.outputs}, NewColors(false))
			assert.Equal(t, tt.want, b.String())
		})
	}
}
