package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// State prints the objects in state (or only addr) with sensitive values
// redacted. It reports whether anything was printed.
func State(w io.Writer, st *state.File, schemas *core.Schemas, addr string) bool {
	printed := false
	for _, r := range st.Resources {
		schema := schemas.For(config.StateMode(r.Mode), r.Type)
		for _, inst := range r.Instances {
			a := state.InstanceAddress(r, inst)
			if addr != "" && a != addr {
				continue
			}
			printed = true
			if inst.Tainted() {
				fmt.Fprintf(w, "# %s: (tainted)\n", a)
			} else {
				fmt.Fprintf(w, "# %s:\n", a)
			}
			v, sensitive := instanceValue(schema, inst)
			ch := &core.Change{Addr: a, Type: r.Type, Name: r.Name, Action: core.NoOp, Before: v, After: v, Sensitive: sensitive}
			stateBody(w, ch)
			fmt.Fprintln(w)
		}
	}
	if addr == "" && len(st.Outputs) > 0 {
		Outputs(w, st.Outputs)
	}
	return printed
}

func stateBody(w io.Writer, ch *core.Change) {
	label := ch.Name
	fmt.Fprintf(w, "resource %q %q {\n", ch.Type, label)
	names := attrNames(ch.After)
	width := 0
	for _, n := range names {
		if len(n) > width {
			width = len(n)
		}
	}
	for _, n := range names {
		a := attr(ch.After, n)
		if a.IsNull() {
			continue
		}
		fmt.Fprintf(w, "    %s%s = %s\n", n, spaces(width-len(n)), value(a, touches(ch.Sensitive, n), 4))
	}
	fmt.Fprintln(w, "}")
}

func spaces(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

func instanceValue(schema *core.Schema, inst state.Instance) (cty.Value, []cty.Path) {
	if schema == nil {
		return cty.NilVal, nil
	}
	v, err := ctyjson.Unmarshal(inst.Attributes, schema.Type)
	if err != nil {
		return cty.NilVal, nil
	}
	return v, core.SensitivePaths(schema, inst.SensitiveAttributes)
}

type jsonState struct {
	FormatVersion string          `json:"format_version"`
	Values        jsonStateValues `json:"values"`
}

type jsonStateValues struct {
	Outputs    map[string]json.RawMessage `json:"outputs,omitempty"`
	RootModule struct {
		Resources []jsonResource `json:"resources"`
	} `json:"root_module"`
}

type jsonResource struct {
	Address         string          `json:"address"`
	Mode            string          `json:"mode"`
	Type            string          `json:"type"`
	Name            string          `json:"name"`
	Index           any             `json:"index,omitempty"`
	ProviderName    string          `json:"provider_name"`
	SchemaVersion   int64           `json:"schema_version"`
	Tainted         bool            `json:"tainted,omitempty"`
	Values          json.RawMessage `json:"values"`
	SensitiveValues json.RawMessage `json:"sensitive_values"`
}

// StateJSON is the state in the shape of Terraform's show -json, with
// sensitive values redacted.
func StateJSON(st *state.File, schemas *core.Schemas) any {
	out := jsonState{FormatVersion: "1.0"}
	out.Values.RootModule.Resources = []jsonResource{}
	for _, r := range st.Resources {
		schema := schemas.For(config.StateMode(r.Mode), r.Type)
		for _, inst := range r.Instances {
			v, sensitive := instanceValue(schema, inst)
			jr := jsonResource{Address: state.InstanceAddress(r, inst), Mode: r.Mode, Type: r.Type, Name: r.Name,
				Index: inst.IndexKey, ProviderName: "registry.terraform.io/spice-harvester/spice", SchemaVersion: inst.SchemaVersion,
				Tainted: inst.Tainted(), Values: redacted(v, sensitive, false), SensitiveValues: sensitiveMap(v, sensitive)}
			out.Values.RootModule.Resources = append(out.Values.RootModule.Resources, jr)
		}
	}
	if len(st.Outputs) > 0 {
		out.Values.Outputs = map[string]json.RawMessage{}
		for n, o := range st.Outputs {
			val := o.Value
			if o.Sensitive {
				val = json.RawMessage("null")
			}
			b, _ := json.Marshal(map[string]any{"sensitive": o.Sensitive, "value": val})
			out.Values.Outputs[n] = b
		}
	}
	return out
}
