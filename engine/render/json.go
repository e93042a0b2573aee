package render

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// PlanFormatVersion is the format_version of Terraform's JSON plan that
// spice writes (Terraform 1.5 and later write the same).
const PlanFormatVersion = "1.2"

// PlanInput is what the JSON plan is made of: the plan, and the
// configuration, state, variables and schemas it was made from.
type PlanInput struct {
	Plan    *core.Plan
	Module  *config.Module
	State   *state.File // the state the plan was made against
	Vars    map[string]cty.Value
	Schemas *core.Schemas
	Version string // spice's, as terraform_version
}

type jsonPlan struct {
	FormatVersion      string                      `json:"format_version"`
	TerraformVersion   string                      `json:"terraform_version"`
	Variables          map[string]jsonVariable     `json:"variables,omitempty"`
	PlannedValues      jsonStateValues             `json:"planned_values"`
	ResourceDrift      []jsonChange                `json:"resource_drift,omitempty"`
	ResourceChanges    []jsonChange                `json:"resource_changes,omitempty"`
	OutputChanges      map[string]jsonChangeValues `json:"output_changes,omitempty"`
	PriorState         *jsonState                  `json:"prior_state,omitempty"`
	Configuration      jsonConfig                  `json:"configuration"`
	RelevantAttributes []jsonResourceAttr          `json:"relevant_attributes,omitempty"`
	Checks             []jsonCheck                 `json:"checks,omitempty"`
	Timestamp          string                      `json:"timestamp"`
	Applyable          bool                        `json:"applyable"`
	Complete           bool                        `json:"complete"`
	Errored            bool                        `json:"errored"`
}

type jsonVariable struct {
	Value json.RawMessage `json:"value"`
}

type jsonChange struct {
	Address       string           `json:"address"`
	ModuleAddress string           `json:"module_address,omitempty"`
	Mode          string           `json:"mode"`
	Type          string           `json:"type"`
	Name          string           `json:"name"`
	Index         json.RawMessage  `json:"index,omitempty"`
	ProviderName  string           `json:"provider_name"`
	Change        jsonChangeValues `json:"change"`
	ActionReason  string           `json:"action_reason,omitempty"`
	PrevAddress   string           `json:"previous_address,omitempty"`
	ref           instanceRef
}

type jsonChangeValues struct {
	Actions         []string          `json:"actions"`
	Before          json.RawMessage   `json:"before"`
	After           json.RawMessage   `json:"after"`
	AfterUnknown    json.RawMessage   `json:"after_unknown"`
	BeforeSensitive json.RawMessage   `json:"before_sensitive"`
	AfterSensitive  json.RawMessage   `json:"after_sensitive"`
	ReplacePaths    []json.RawMessage `json:"replace_paths,omitempty"`
	Importing       *jsonImporting    `json:"importing,omitempty"`
}

type jsonImporting struct {
	ID string `json:"id"`
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

// JSON writes the plan as Terraform's JSON plan representation (format
// 1.2). Sensitive values are redacted (null), with the *_sensitive
// markers saying where.
func JSON(w io.Writer, in PlanInput) error {
	p := in.Plan
	out := jsonPlan{
		FormatVersion: PlanFormatVersion, TerraformVersion: in.Version,
		Variables: planVariables(in.Module, in.Vars),
		Timestamp: p.Timestamp.Format(time.RFC3339), Complete: true, Errored: false,
	}
	var planned []jsonResource
	refreshed := &refreshedState{values: map[string]cty.Value{}}
	for _, c := range p.Changes {
		ref := instanceRef{Module: c.Module, Mode: c.Mode, Type: c.Type, Name: c.Name, Key: c.Key}
		readNow := c.Mode == config.Data && c.Action == core.NoOp
		if readNow { // read while planning: part of the prior state
			refreshed.read = append(refreshed.read, newResource(c.Addr, ref, c.Schema, c.After, c.Sensitive, nil))
		} else {
			refreshed.values[c.Addr] = c.Before
		}
		if p.Mode == core.RefreshOnlyMode {
			continue // Terraform's refresh-only plan has no resource changes, planned values included
		}
		if c.Action != core.Delete && c.Action != core.Forget {
			planned = append(planned, newResource(c.Addr, ref, c.Schema, c.After, c.Sensitive, nil))
		}
		if !readNow {
			jc := changeOf(c.Addr, ref, c.Action, c.Before, c.After, c.Sensitive, c.ReplacePaths)
			jc.PrevAddress = c.PrevAddr
			switch {
			case c.Tainted && c.Action.IsReplace():
				jc.ActionReason = "replace_because_tainted"
			case c.ReplaceRequested && c.Action.IsReplace():
				jc.ActionReason = "replace_by_request"
			case c.Reason != "":
				jc.ActionReason = c.Reason
			}
			if c.ImportID != "" {
				jc.Change.Importing = &jsonImporting{ID: c.ImportID}
			}
			out.ResourceChanges = append(out.ResourceChanges, jc)
		}
		if c.Action != core.NoOp || c.ImportID != "" || c.PrevAddr != "" {
			out.Applyable = true
		}
	}
	for _, d := range p.Drift {
		action := core.Update
		if d.After.IsNull() {
			action = core.Delete
		}
		ref := instanceRef{Module: d.Module, Mode: d.Mode, Type: d.Type, Name: d.Name, Key: d.Key}
		out.ResourceDrift = append(out.ResourceDrift, changeOf(d.Addr, ref, action, d.Before, d.After, d.Sensitive, nil))
	}
	sortChanges(out.ResourceChanges)
	sortChanges(out.ResourceDrift)
	var plannedOutputs map[string]jsonOutput
	out.OutputChanges, plannedOutputs = outputChanges(p)
	for _, oc := range out.OutputChanges {
		if oc.Actions[0] != string(core.NoOp) {
			out.Applyable = true
		}
	}
	out.PlannedValues = jsonStateValues{Outputs: plannedOutputs, RootModule: moduleTree(planned)}
	if len(in.State.Resources) > 0 || len(in.State.Outputs) > 0 || len(refreshed.read) > 0 {
		prior := stateJSON(in.State, in.Schemas, refreshed, priorOutputs(in.State, plannedOutputs))
		out.PriorState = &prior
	}
	out.Configuration = configJSON(in.Module, in.Schemas)
	if p.Mode == core.RefreshOnlyMode {
		// Applyable when the state would change; no resource is relevant
		// to a plan that changes none (Terraform's refreshOnlyPlan).
		out.Applyable = p.HasChanges()
	} else {
		out.RelevantAttributes = relevantAttributes(in.Module, p, out.OutputChanges)
	}
	out.Checks = checksJSON(in.Module, p.Checks)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func sortChanges(cs []jsonChange) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].ref.less(cs[j].ref) })
}

// planVariables are the root module's variable values; sensitive ones null.
func planVariables(mod *config.Module, vars map[string]cty.Value) map[string]jsonVariable {
	out := map[string]jsonVariable{}
	for name, decl := range mod.Variables {
		v, ok := vars[name]
		if !ok || v == cty.NilVal {
			continue
		}
		v, marks := v.UnmarkDeep()
		jv := jsonVariable{Value: json.RawMessage("null")}
		if !decl.Sensitive && len(marks) == 0 && v.IsWhollyKnown() {
			if b, err := ctyjson.Marshal(v, v.Type()); err == nil {
				jv.Value = b
			}
		}
		out[name] = jv
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func changeOf(addr string, ref instanceRef, a core.Action, before, after cty.Value, sensitive []cty.Path, replace []cty.Path) jsonChange {
	c := jsonChange{Address: addr, ModuleAddress: ref.Module, Mode: ref.Mode.String(), Type: ref.Type, Name: ref.Name,
		Index: indexJSON(ref.Key), ProviderName: config.SpiceSource, ref: ref}
	c.Change.Actions = actions(a)
	c.Change.Before = redactedJSON(before, sensitive)
	c.Change.After = redactedJSON(after, sensitive)
	c.Change.AfterUnknown = json.RawMessage("{}")
	if after != cty.NilVal && !after.IsWhollyKnown() {
		c.Change.AfterUnknown = mustJSON(unknownShape(after))
	}
	c.Change.BeforeSensitive = mustJSON(sensitiveShape(before, nil, sensitive))
	c.Change.AfterSensitive = mustJSON(sensitiveShape(after, nil, sensitive))
	for _, p := range replace {
		c.Change.ReplacePaths = append(c.Change.ReplacePaths, pathJSON(p))
	}
	return c
}

// pathJSON is a path as Terraform encodes it: attribute names and keys.
func pathJSON(p cty.Path) json.RawMessage {
	steps := []json.RawMessage{}
	for _, s := range p {
		switch s := s.(type) {
		case cty.GetAttrStep:
			steps = append(steps, mustJSON(s.Name))
		case cty.IndexStep:
			if b, err := ctyjson.Marshal(s.Key, s.Key.Type()); err == nil {
				steps = append(steps, b)
			}
		}
	}
	return mustJSON(steps)
}

// outputChanges are the plan's output changes, and the planned outputs
// for planned_values.
func outputChanges(p *core.Plan) (map[string]jsonChangeValues, map[string]jsonOutput) {
	changes := map[string]jsonChangeValues{}
	for _, oc := range p.OutputChanges {
		changes[oc.Name] = outputChange(oc.Action, oc.Before, oc.After, oc.Sensitive)
	}
	planned := map[string]jsonOutput{}
	for name, o := range p.Outputs {
		po := jsonOutput{Sensitive: o.Sensitive}
		if o.Value.IsWhollyKnown() {
			po.Type, _ = ctyjson.MarshalType(o.Value.Type())
			po.Value = redactedJSON(o.Value, sensitivity(o.Sensitive))
		}
		planned[name] = po
	}
	if len(changes) == 0 {
		return nil, nil
	}
	if len(planned) == 0 {
		planned = nil
	}
	return changes, planned
}

func outputChange(a core.Action, before, after cty.Value, sensitive bool) jsonChangeValues {
	all := sensitivity(sensitive)
	c := jsonChangeValues{Actions: actions(a), Before: redactedJSON(before, all), After: redactedJSON(after, all),
		AfterUnknown: json.RawMessage("false"), BeforeSensitive: mustJSON(sensitive), AfterSensitive: mustJSON(sensitive)}
	if after != cty.NilVal && !after.IsWhollyKnown() {
		c.AfterUnknown = mustJSON(unknownShape(after))
	}
	return c
}

// sensitivity is the path set of a value that is sensitive as a whole.
func sensitivity(sensitive bool) sensitiveSet {
	if sensitive {
		return sensitiveSet{cty.Path{}}
	}
	return nil
}

// priorOutputs are the outputs of the prior state: Terraform evaluates
// outputs into it while planning, so known planned values replace the
// stored ones.
func priorOutputs(st *state.File, planned map[string]jsonOutput) map[string]jsonOutput {
	out := stateOutputs(st)
	for name, o := range planned {
		if o.Type == nil {
			continue
		}
		if out == nil {
			out = map[string]jsonOutput{}
		}
		out[name] = o
	}
	return out
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
