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
	FormatVersion    string           `json:"format_version"`
	TerraformVersion string           `json:"terraform_version,omitempty"`
	Values           *jsonStateValues `json:"values,omitempty"`
}

type jsonStateValues struct {
	Outputs    map[string]jsonOutput `json:"outputs,omitempty"`
	RootModule jsonModule            `json:"root_module"`
}

type jsonOutput struct {
	Sensitive bool            `json:"sensitive"`
	Value     json.RawMessage `json:"value,omitempty"`
	Type      json.RawMessage `json:"type,omitempty"`
}

// StateJSON is the state in the shape of Terraform's show -json, with
// sensitive values redacted.
func StateJSON(st *state.File, schemas *core.Schemas) any {
	return stateJSON(st, schemas, nil, nil)
}

// stateJSON encodes st. refreshed, when set, gives an instance's value
// after refresh (null: gone) and the data sources read since, for the
// prior state of a plan; outputs replaces the stored output values.
func stateJSON(st *state.File, schemas *core.Schemas, refreshed *refreshedState, outputs map[string]jsonOutput) jsonState {
	out := jsonState{FormatVersion: "1.0"}
	var resources []jsonResource
	seen := map[string]bool{}
	for _, r := range st.Resources {
		mode := config.StateMode(r.Mode)
		schema := schemas.For(mode, r.Type)
		for _, inst := range r.Instances {
			addr := state.InstanceAddress(r, inst)
			v, sensitive := instanceValue(schema, inst)
			if refreshed != nil {
				if now, ok := refreshed.values[addr]; ok {
					v = now
				}
			}
			if v == cty.NilVal || v.IsNull() {
				continue
			}
			seen[addr] = true
			ref := instanceRef{Module: r.Module, Mode: mode, Type: r.Type, Name: r.Name, Key: numberKey(inst.IndexKey)}
			jr := newResource(addr, ref, schema, v, sensitive, inst.Dependencies)
			jr.Tainted = inst.Tainted()
			resources = append(resources, jr)
		}
	}
	if refreshed != nil {
		for _, r := range refreshed.read {
			if !seen[r.Address] {
				resources = append(resources, r)
			}
		}
	}
	if outputs == nil {
		outputs = stateOutputs(st)
	}
	if len(resources) == 0 && len(outputs) == 0 {
		return out
	}
	out.TerraformVersion = st.TerraformVersion
	out.Values = &jsonStateValues{Outputs: outputs, RootModule: moduleTree(resources)}
	return out
}

// refreshedState is what planning learnt of the objects in state.
type refreshedState struct {
	values map[string]cty.Value // by instance address
	read   []jsonResource       // data sources read while planning
}

func stateOutputs(st *state.File) map[string]jsonOutput {
	if len(st.Outputs) == 0 {
		return nil
	}
	out := map[string]jsonOutput{}
	for n, o := range st.Outputs {
		j := jsonOutput{Sensitive: o.Sensitive, Value: o.Value, Type: o.Type}
		if o.Sensitive {
			j.Value = json.RawMessage("null")
		}
		out[n] = j
	}
	return out
}
