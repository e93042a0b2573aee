package render

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/provider"
)

// TestSpicePlanTextAsTerraform renders the changes of plans Terraform
// v1.11.4 made with the spice provider (dev_overrides to a build of this
// repository, provider root an empty directory) and compares spice's text
// with Terraform's. Captured once: after `terraform apply` of
//
//	variable "workers" { default = 4 }
//	locals {
//	  vars = merge({ for i in range(12) : format("K%02d", i) => "v${i}" }, { WORKERS = tostring(var.workers) })
//	}
//	resource "spice_env_file" "app" {
//	  path      = "/etc/app.env"
//	  variables = local.vars
//	}
//	resource "spice_service" "app" {
//	  name        = "app"
//	  exec_start  = "/bin/true"
//	  environment = local.vars
//	}
//	resource "spice_file" "conf" {
//	  path    = "/etc/app.conf"
//	  content = join("", [for i in range(16) : i == 7 ? "workers = ${var.workers}\n" : "line ${i}\n"])
//	}
//
// `terraform plan -no-color -var workers=8 -out=p` printed testdata/NAME.txt
// (the actions, up to the summary) and `terraform show -json p` the
// changes kept in testdata/NAME.json (resource_changes only).
// spice_maps_and_lines is that configuration: one changed element of a
// string map (quoted keys, "elements hidden"), one changed line of a
// multi-line string, null -> unknown. spice_added_removed is the same
// with workers = 8 also dropping K11 and adding EXTRA to the map, and
// dropping line 3 and adding line 16 to the content:
//
//	vars = merge({ for i in range(var.workers == 4 ? 12 : 11) : format("K%02d", i) => "v${i}" },
//	  { WORKERS = tostring(var.workers) }, var.workers == 4 ? {} : { EXTRA = "x" })
//	content = join("", [for i in range(var.workers == 4 ? 16 : 17) :
//	  i == 7 ? "workers = ${var.workers}\n" : (i == 3 && var.workers != 4 ? "" : "line ${i}\n")])
func TestSpicePlanTextAsTerraform(t *testing.T) {
	schemas, err := core.LoadSchemas(context.Background(), providerserver.NewProtocol6(provider.New("test")())())
	require.NoError(t, err)
	for _, name := range []string{"spice_maps_and_lines", "spice_added_removed"} {
		t.Run(name, func(t *testing.T) {
			plan := terraformPlan(t, schemas, filepath.Join("testdata", name+".json"))
			var b bytes.Buffer
			Plan(&b, plan, NewColors(false))
			got, _, found := strings.Cut(strings.TrimPrefix(b.String(), "\nspice will perform the following actions:\n\n"), "Plan:")
			require.True(t, found, "the plan has a summary line")
			want, err := os.ReadFile(filepath.Join("testdata", name+".txt"))
			require.NoError(t, err)
			assert.Equal(t, string(want), got)
		})
	}
}

// terraformPlan reads the resource changes of a JSON plan (updates only)
// into the engine's changes.
func terraformPlan(t *testing.T, schemas *core.Schemas, path string) *core.Plan {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var captured struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Type    string `json:"type"`
			Name    string `json:"name"`
			Change  struct {
				Actions         []string        `json:"actions"`
				Before          json.RawMessage `json:"before"`
				After           json.RawMessage `json:"after"`
				AfterUnknown    json.RawMessage `json:"after_unknown"`
				BeforeSensitive json.RawMessage `json:"before_sensitive"`
				AfterSensitive  json.RawMessage `json:"after_sensitive"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	require.NoError(t, json.Unmarshal(raw, &captured))
	plan := &core.Plan{}
	for _, rc := range captured.ResourceChanges {
		require.Equal(t, []string{"update"}, rc.Change.Actions, rc.Address)
		ty := schemas.For(config.Managed, rc.Type).Type
		before, err := ctyjson.Unmarshal(rc.Change.Before, ty)
		require.NoError(t, err)
		after, err := ctyjson.Unmarshal(rc.Change.After, ty)
		require.NoError(t, err)
		unknown := markedPaths(t, rc.Change.AfterUnknown)
		after, err = cty.Transform(after, func(p cty.Path, v cty.Value) (cty.Value, error) {
			if hasPath(unknown, p) {
				return cty.UnknownVal(v.Type()), nil
			}
			return v, nil
		})
		require.NoError(t, err)
		plan.Changes = append(plan.Changes, &core.Change{Addr: rc.Address, ResourceAddr: rc.Address, Mode: config.Managed, Type: rc.Type, Name: rc.Name,
			Action: core.Update, Before: before, After: after,
			Sensitive: append(markedPaths(t, rc.Change.BeforeSensitive), markedPaths(t, rc.Change.AfterSensitive)...)})
	}
	return plan
}

// markedPaths reads the paths a JSON plan marks true in after_unknown or
// *_sensitive: an object of attributes, arrays of elements, true leaves.
// A map's keys read as attributes too, which is right as long as the
// captures mark no single map element (they do not).
func markedPaths(t *testing.T, raw json.RawMessage) []cty.Path {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	var out []cty.Path
	var walk func(v any, p cty.Path)
	walk = func(v any, p cty.Path) {
		switch v := v.(type) {
		case bool:
			if v {
				out = append(out, p.Copy())
			}
		case map[string]any:
			for k, e := range v {
				walk(e, p.GetAttr(k))
			}
		case []any:
			for i, e := range v {
				walk(e, p.IndexInt(i))
			}
		}
	}
	walk(v, nil)
	return out
}

func hasPath(paths []cty.Path, p cty.Path) bool {
	for _, q := range paths {
		if q.Equals(p) {
			return true
		}
	}
	return false
}
