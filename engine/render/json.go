package render

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

type jsonPlan struct {
	FormatVersion   string                      `json:"format_version"`
	ResourceChanges []jsonChange                `json:"resource_changes"`
	ResourceDrift   []jsonChange                `json:"resource_drift,omitempty"`
	OutputChanges   map[string]jsonOutputChange `json:"output_changes,omitempty"`
}

type jsonChange struct {
	Address      string `json:"address"`
	Mode         string `json:"mode"`
	Type         string `json:"type"`
	Name         string `json:"name"`
	Index        any    `json:"index,omitempty"`
	ProviderName string `json:"provider_name"`
	// ActionReason says why, when Terraform says it: replace_because_tainted.
	ActionReason string `json:"action_reason,omitempty"`
	Change       struct {
		Actions         []string        `json:"actions"`
		Before          json.RawMessage `json:"before"`
		After           json.RawMessage `json:"after"`
		AfterUnknown    json.RawMessage `json:"after_unknown"`
		BeforeSensitive json.RawMessage `json:"before_sensitive"`
		AfterSensitive  json.RawMessage `json:"after_sensitive"`
		ReplacePaths    [][]any         `json:"replace_paths,omitempty"`
	} `json:"change"`
}

type jsonOutputChange struct {
	Actions   []string        `json:"actions"`
	After     json.RawMessage `json:"after"`
	Sensitive bool            `json:"after_sensitive"`
}

// actions lists a change's actions as Terraform's JSON plan does.
func actions(a core.Action) []string {
	switch a {
	case core.DeleteThenCreate:
		return []string{"delete", "create"}
	case core.CreateThenDelete:
		return []string{"create", "delete"}
	}
	return []string{string(a)}
}

// JSON writes the plan in the shape of Terraform's JSON plan
// representation. Sensitive values are redacted (null), with the
// *_sensitive markers saying where.
func JSON(w io.Writer, p *core.Plan) error {
	out := jsonPlan{FormatVersion: "1.2", ResourceChanges: []jsonChange{}}
	for _, c := range p.Changes {
		if c.Mode == config.Data && c.Action == core.NoOp {
			continue // read while planning: part of the prior state, not a change
		}
		jc := jsonChangeOf(c.Addr, c.Mode.String(), c.Type, c.Name, c.Key, c.Action, c.Before, c.After, c.Sensitive, c.ReplacePaths)
		if c.Tainted && c.Action.IsReplace() {
			jc.ActionReason = "replace_because_tainted"
		}
		out.ResourceChanges = append(out.ResourceChanges, jc)
	}
	for _, d := range p.Drift {
		action := core.Update
		if d.After.IsNull() {
			action = core.Delete
		}
		mode, typ, name := config.Managed.String(), d.Type, ""
		out.ResourceDrift = append(out.ResourceDrift, jsonChangeOf(d.Addr, mode, typ, name, cty.NilVal, action, d.Before, d.After, d.Sensitive, nil))
	}
	if len(p.Outputs) > 0 {
		out.OutputChanges = map[string]jsonOutputChange{}
		for name, o := range p.Outputs {
			val := redacted(o.Value, nil, o.Sensitive)
			out.OutputChanges[name] = jsonOutputChange{Actions: []string{"create"}, After: val, Sensitive: o.Sensitive}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func jsonChangeOf(addr, mode, typ, name string, key cty.Value, a core.Action, before, after cty.Value, sensitive []cty.Path, replace []cty.Path) jsonChange {
	var c jsonChange
	c.Address, c.Mode, c.Type, c.Name = addr, mode, typ, name
	if key != cty.NilVal {
		if key.Type() == cty.Number {
			i, _ := key.AsBigFloat().Int64()
			c.Index = i
		} else {
			c.Index = key.AsString()
		}
	}
	c.ProviderName = config.SpiceSource
	c.Change.Actions = actions(a)
	c.Change.Before = redacted(before, sensitive, false)
	c.Change.After = redacted(after, sensitive, false)
	c.Change.AfterUnknown = unknownMap(after)
	c.Change.BeforeSensitive = sensitiveMap(before, sensitive)
	c.Change.AfterSensitive = sensitiveMap(after, sensitive)
	for _, p := range replace {
		var steps []any
		for _, s := range p {
			if ga, ok := s.(cty.GetAttrStep); ok {
				steps = append(steps, ga.Name)
			}
		}
		c.Change.ReplacePaths = append(c.Change.ReplacePaths, steps)
	}
	return c
}

// redacted renders v as JSON with unknown and sensitive parts as null.
func redacted(v cty.Value, sensitive []cty.Path, all bool) json.RawMessage {
	if v == cty.NilVal || v.IsNull() || all {
		return json.RawMessage("null")
	}
	clean, _ := cty.Transform(v, func(p cty.Path, v cty.Value) (cty.Value, error) {
		for _, s := range sensitive {
			if p.Equals(s) {
				return cty.NullVal(v.Type()), nil
			}
		}
		if !v.IsKnown() {
			return cty.NullVal(v.Type()), nil
		}
		return v, nil
	})
	b, err := ctyjson.Marshal(clean, clean.Type())
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// unknownMap is after_unknown: true where the value is known only after
// apply, for the top-level attributes.
func unknownMap(v cty.Value) json.RawMessage {
	return attrFlags(v, func(_ string, a cty.Value) bool { return !a.IsWhollyKnown() })
}

func sensitiveMap(v cty.Value, sensitive []cty.Path) json.RawMessage {
	return attrFlags(v, func(n string, _ cty.Value) bool {
		for _, p := range sensitive {
			if len(p) > 0 {
				if s, ok := p[0].(cty.GetAttrStep); ok && s.Name == n {
					return true
				}
			}
		}
		return false
	})
}

func attrFlags(v cty.Value, flag func(string, cty.Value) bool) json.RawMessage {
	if v == cty.NilVal || v.IsNull() || !v.Type().IsObjectType() {
		return json.RawMessage("{}")
	}
	if !v.IsKnown() {
		return json.RawMessage("true")
	}
	m := map[string]bool{}
	for n := range v.Type().AttributeTypes() {
		if flag(n, v.GetAttr(n)) {
			m[n] = true
		}
	}
	b, _ := json.Marshal(m)
	return b
}

// Outputs prints output values after apply; sensitive ones redacted.
func Outputs(w io.Writer, outputs map[string]state.Output) {
	if len(outputs) == 0 {
		return
	}
	names := make([]string, 0, len(outputs))
	for n := range outputs {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprint(w, "\nOutputs:\n\n")
	for _, n := range names {
		fmt.Fprintf(w, "%s = %s\n", n, OutputText(outputs[n]))
	}
}

// OutputText renders one output value.
func OutputText(o state.Output) string {
	if o.Sensitive {
		return "<sensitive>"
	}
	ty, err := ctyjson.UnmarshalType(o.Type)
	if err != nil {
		return string(o.Value)
	}
	v, err := ctyjson.Unmarshal(o.Value, ty)
	if err != nil {
		return string(o.Value)
	}
	return value(v, false, 0)
}
