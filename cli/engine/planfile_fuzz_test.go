package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// FuzzReadPlanFile: whatever a file given to apply or show holds,
// readPlanFile and use do not panic: they refuse it with an error or take
// it. What they take holds nothing that would change when saved again:
// every variable value saved again reads back equal (values, never
// expressions), every target and replace address reads back from its own
// text.
func FuzzReadPlanFile(f *testing.F) {
	for _, s := range []string{
		`{
  "spice_plan_format": "2",
  "lineage": "5f0c1c2e-3d6b-4d0e-9d1e-1d2c3b4a5f60",
  "serial": 3,
  "config_sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "destroy": false,
  "refresh": true,
  "targets": ["spice_file.f[0]", "module.bff.spice_env_file.env[\"oms\"]", "data.spice_host.h"],
  "replace": ["module.a.module.b"],
  "variables": {
    "motd": {"value": "total: ${40+2}", "type": "string"},
    "workers": {"value": 4, "type": "number"},
    "hosts": {"value": {"a": ["x", null]}, "type": ["object", {"a": ["list", "string"]}]},
    "flags": {"value": [true, false], "type": ["set", "bool"]}
  },
  "changes": {"spice_file.f[0]": {"action": "create", "values_sha256": "00"}},
  "planned_at": "2026-12-01T18:00:00Z"
}`,
		`{"spice_plan_format": "1"}`, `{"spice_plan_format": ""}`, `not json`, `{"spice_plan_format": "2", "refresh_only": true, "destroy": true}`,
		`{"spice_plan_format": "2", "variables": {"v": {"value": 1, "type": "string"}}}`,
		`{"spice_plan_format": "2", "variables": {"v": {"value": "x"}}}`,
		`{"spice_plan_format": "2", "targets": ["spice_file.f[0].x"], "replace": ["module.m[0]"]}`,
		`{"spice_plan_format": "2", "planned_at": "not a time"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "p.plan")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		pf, err := readPlanFile(path)
		if err != nil {
			return
		}
		var m meta
		if err := pf.use(&m); err != nil {
			return
		}
		_ = pf.mode()
		for name, v := range m.saved {
			saved, err := ctyjson.Marshal(v, cty.DynamicPseudoType)
			if err != nil {
				t.Fatalf("variable %s read as %#v does not save again: %v", name, v, err)
			}
			again, err := ctyjson.Unmarshal(saved, cty.DynamicPseudoType)
			if err != nil || !again.RawEquals(v) {
				t.Fatalf("variable %s: %s reads back as %#v, want %#v (%v)", name, saved, again, v, err)
			}
		}
		for _, a := range append(slices.Clone(m.targets), m.replace...) {
			var back []config.Address
			if err := addressFlag(&back)(a.String()); err != nil || len(back) != 1 || back[0].String() != a.String() {
				t.Fatalf("address %q does not read back from its own text: %v %v", a.String(), back, err)
			}
		}
		resaved, err := json.Marshal(pf)
		if err != nil {
			t.Fatalf("a plan read does not save again: %v", err)
		}
		if err := os.WriteFile(path, resaved, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := readPlanFile(path); err != nil {
			t.Fatalf("a plan saved again does not read: %v\n%s", err, resaved)
		}
	})
}
