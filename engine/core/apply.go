package core

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// Apply carries out a plan: deletions in reverse dependency order, then
// creations and updates in dependency order (each re-planned with the
// values now known), recording every resource instance durably as it
// completes (see stateWriter) and saving the whole state at the end,
// however the apply ends.
func (e *Engine) Apply(ctx context.Context, plan *Plan, save func(*state.File) error) hcl.Diagnostics {
	if e.graph == nil {
		e.PlanTime = plan.Timestamp // plantimestamp() as planned
		if diags := e.prepare(); diags.HasErrors() {
			return diags
		}
	}
	w := &stateWriter{file: e.State, save: save, source: e.Module.SpiceSource, openJournal: e.Journal}
	diags := e.apply(ctx, plan, w)
	if w.pending() { // an apply that failed or was interrupted
		diags = append(diags, w.flush()...)
	}
	return diags
}

func (e *Engine) apply(ctx context.Context, plan *Plan, w *stateWriter) hcl.Diagnostics {
	if plan.Mode == RefreshOnlyMode {
		return e.applyRefresh(plan, w)
	}
	var diags hcl.Diagnostics
	if len(e.TargetAddrs) > 0 {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Applied changes may be incomplete", Detail: targetedApplyWarning})
	}
	for _, c := range plan.Changes {
		if c.Action == Forget { // left on the host, dropped from state
			w.remove(c)
		}
	}

	// Deletions: a dependent goes before what it depends on.
	deletes := newGraph()
	byAddr := map[string]*Change{}
	for _, c := range plan.Changes {
		if c.Action == Delete || c.Action == DeleteThenCreate {
			deletes.add(c.Addr)
			byAddr[c.Addr] = c
		}
	}
	for _, c := range byAddr {
		for _, other := range byAddr {
			if other != c && (contains(other.Deps, c.ResourceAddr)) {
				deletes.add(c.Addr, other.Addr) // other depends on c: delete other first
			}
		}
	}
	diags = append(diags, deletes.walk(ctx, e.Parallelism, func(addr string) hcl.Diagnostics {
		return e.applyDelete(ctx, byAddr[addr], w)
	})...)
	if diags.HasErrors() || plan.Mode == DestroyMode {
		if plan.Mode == DestroyMode && !diags.HasErrors() {
			if e.Targets == nil { // a targeted destroy leaves the rest, and the outputs
				e.State.Outputs = map[string]state.Output{}
			}
			diags = append(diags, w.flush()...)
		}
		return diags
	}

	// Creations and updates in the configuration's dependency order.
	e.forgetUpstreamPlans(plan.Changes)
	changesOf := map[string][]*Change{}
	for _, c := range plan.Changes {
		if c.Action != Delete {
			changesOf[c.ResourceAddr] = append(changesOf[c.ResourceAddr], c)
		}
	}
	outputs := &rootOutputs{values: map[string]OutputValue{}}
	diags = append(diags, e.graph.walk(ctx, e.Parallelism, func(id string) hcl.Diagnostics {
		n := e.nodes[id]
		if e.skipsNode(id) || e.rolloutHolds(id) {
			return nil
		}
		switch n.kind {
		case kindProvider:
			if e.server(n.name) != nil || !e.targetsProvider(n.name) {
				return nil
			}
			return e.configureProvider(ctx, n.name)
		case kindResource:
			return e.applyResource(ctx, n.res, changesOf[id], w)
		}
		return e.evalValue(n, outputs)
	})...)
	if diags.HasErrors() {
		return diags
	}
	if e.rolloutHoldsOutputs() {
		return append(diags, w.flush()...)
	}
	e.keepStoredOutputs(outputs.values)
	diags = append(diags, e.setOutputs(outputs.values)...)
	return append(diags, w.flush()...)
}

// applyRefresh records a refresh-only plan: every object's refreshed
// value, objects deleted outside spice removed, the outputs computed from
// them. No provider is asked to change anything. A partial plan (a host
// unreachable) records what it reached and keeps the stored outputs, some
// of which it could not compute.
func (e *Engine) applyRefresh(plan *Plan, w *stateWriter) hcl.Diagnostics {
	for _, c := range plan.Changes {
		if c.Action != NoOp {
			return hcl.Diagnostics{sourceless("Invalid refresh-only plan", fmt.Sprintf("%s is planned as %s; a refresh-only plan changes no object.", c.Addr, c.Action))}
		}
		w.set(c, c.After, c.Private, c.Sensitive)
	}
	for _, d := range plan.Drift {
		if d.After.IsNull() {
			w.remove(&Change{Module: d.Module, Mode: d.Mode, Type: d.Type, Name: d.Name, Key: d.Key})
		}
	}
	var diags hcl.Diagnostics
	if !plan.Partial {
		diags = e.setOutputs(plan.Outputs)
	}
	return append(diags, w.flush()...)
}

// setOutputs replaces the state's root outputs. A null output is left out,
// as Terraform leaves it out: null and absent read the same.
func (e *Engine) setOutputs(values map[string]OutputValue) hcl.Diagnostics {
	var diags hcl.Diagnostics
	e.State.Outputs = map[string]state.Output{}
	for name, o := range values {
		if o.Value.IsNull() {
			continue
		}
		out, err := stateOutput(o)
		if err != nil {
			diags = append(diags, sourceless("Cannot save output "+name, err.Error()))
			continue
		}
		e.State.Outputs[name] = out
	}
	return diags
}

func (e *Engine) applyDelete(ctx context.Context, c *Change, w *stateWriter) hcl.Diagnostics {
	server := e.server(c.ProviderKey)
	if server == nil {
		if d := e.configureProvider(ctx, c.ProviderKey); d.HasErrors() {
			return d
		}
		server = e.server(c.ProviderKey)
	}
	op := e.begin(c.Addr, opDestroy, c.Before)
	_, _, d := e.applyChange(ctx, server, c, c.Before, cty.NullVal(c.Schema.Type), cty.NullVal(c.Schema.Type), c.PriorPrivate)
	op.end()
	if d.HasErrors() {
		return d
	}
	w.remove(c)
	op.complete(cty.NullVal(c.Schema.Type))
	return w.commit()
}

func (e *Engine) applyResource(ctx context.Context, r *config.Resource, changes []*Change, w *stateWriter) hcl.Diagnostics {
	if r == nil {
		return nil
	}
	sort.Slice(changes, func(i, j int) bool { return keyLess(changes[i].Key, changes[j].Key) })
	// count.index and each.* once for the resource, not once per instance.
	keysNow, varsNow, d := e.expand(r)
	if d.HasErrors() {
		return d
	}
	instVars := map[string]instanceVars{}
	for i, k := range keysNow {
		instVars[keyString(k)] = varsNow[i]
	}
	afters := make([]cty.Value, len(changes))
	diagsOf := make([]hcl.Diagnostics, len(changes))
	// Instances of one resource are independent: apply them concurrently,
	// as Terraform does, within -parallelism.
	parallel(len(changes), e.Parallelism, func(i int) {
		inst, ok := instVars[keyString(changes[i].Key)]
		if !ok {
			diagsOf[i] = hcl.Diagnostics{sourceless("Instance disappeared", fmt.Sprintf("%s no longer has key %s", r.Address(), keyString(changes[i].Key)))}
			return
		}
		afters[i], diagsOf[i] = e.applyInstance(ctx, r, changes[i], inst, w)
	})
	var diags hcl.Diagnostics
	keys := make([]cty.Value, 0, len(changes))
	done := make([]cty.Value, 0, len(changes))
	for i, c := range changes {
		diags = append(diags, diagsOf[i]...)
		if afters[i] != cty.NilVal {
			keys, done = append(keys, c.Key), append(done, afters[i])
		}
	}
	if diags.HasErrors() {
		return diags
	}
	if len(done) > 0 || r.Count != nil || r.ForEach != nil {
		e.scopeFor(r).setResource(r.LocalAddress(), aggregate(r, keys, done))
	}
	return diags
}

// applyInstance applies one instance's change and records the result in
// state; it returns the value references to it evaluate to.
func (e *Engine) applyInstance(ctx context.Context, r *config.Resource, c *Change, inst instanceVars, w *stateWriter) (cty.Value, hcl.Diagnostics) {
	server := e.server(r.ProviderKey)
	schema := e.Schemas.For(r.Mode, r.Type)
	if r.Mode == config.Data {
		if c.Action == Read {
			read, d := e.readData(ctx, r, schema, server, c.Key, inst, true)
			if r.Check != "" {
				d = checkWarnings(d)
				if read == nil {
					return cty.UnknownVal(schema.Type), d
				}
			}
			if d.HasErrors() {
				return cty.NilVal, d
			}
			c = read
			w.set(c, c.After, nil, c.Sensitive)
			return markSensitive(c.After, c.Sensitive), d
		}
		w.set(c, c.After, nil, c.Sensitive)
		return markSensitive(c.After, c.Sensitive), nil
	}
	if c.Action == NoOp {
		// An untargeted instance is in state as it is: not written again.
		if e.targetsInstance(r.Address(), c.Addr) {
			w.set(c, c.Before, c.PriorPrivate, c.Sensitive)
		}
		return markSensitive(c.Before, c.Sensitive), nil
	}
	cfg, body, diags := e.instanceConfig(r, schema, inst)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	cfg, marks := unmarkDeepWithPaths(cfg)
	c.Sensitive = unionPaths(schema.Sensitive, marks)
	prior, priorPrivate := c.Before, c.PriorPrivate
	if c.Action.IsReplace() || c.Action == Create {
		prior, priorPrivate = cty.NullVal(schema.Type), nil
	} else {
		cfg = ignoreChanges(r, cfg, prior)
	}
	planned, private := c.After, c.Private
	if !c.reusablePlan(cfg) {
		var d hcl.Diagnostics
		planned, _, private, d = e.planChange(ctx, server, r.Type, schema, prior, cfg, priorPrivate, e.subjectFunc(r, schema, body), c.Addr)
		diags = append(diags, d...)
		if d.HasErrors() {
			return cty.NilVal, diags
		}
	}
	kind := opModify
	if prior.IsNull() {
		kind = opCreate
	}
	op := e.begin(c.Addr, kind, prior)
	newVal, newPrivate, d := e.applyChange(ctx, server, c, prior, planned, cfg, private)
	op.end()
	diags = append(diags, d...)
	if d.HasErrors() {
		// Keep what the provider reports it did. A failed create leaves
		// an object that the next plan replaces, as Terraform taints it;
		// a failed update leaves the object as it is.
		switch {
		case newVal.IsNull():
		case prior.IsNull():
			w.setTainted(c, newVal, newPrivate, c.Sensitive)
		default:
			w.set(c, newVal, newPrivate, c.Sensitive)
		}
		return cty.NilVal, append(diags, w.commit()...)
	}
	w.set(c, newVal, newPrivate, c.Sensitive)
	if d := w.commit(); d.HasErrors() {
		return cty.NilVal, append(diags, d...)
	}
	if _, d := e.checkConditions(e.scopeFor(r), r.Lifecycle.Postconditions, inst, newVal, "Resource postcondition failed"); d.HasErrors() {
		return cty.NilVal, append(diags, d...)
	}
	op.complete(newVal)
	if c.Action == CreateThenDelete {
		deposed := e.begin(c.Addr+" (deposed)", opDestroy, c.Before)
		_, _, d := e.applyChange(ctx, server, c, c.Before, cty.NullVal(schema.Type), cty.NullVal(schema.Type), c.PriorPrivate)
		deposed.end()
		if d.HasErrors() {
			return cty.NilVal, append(diags, d...)
		}
		deposed.complete(cty.NullVal(schema.Type))
	}
	return markSensitive(newVal, c.Sensitive), diags
}

// reusablePlan tells whether the plan of c can be applied as it is,
// without asking the provider to plan again with the values now known, as
// Terraform asks it. With the configuration wholly known and what the plan
// had (cfg is evaluated now), the same prior object (c.Before, or null for a
// create or a replacement, as the plan had it) and the same configured
// provider, the question is the one the plan asked; and the answer cannot
// differ in a known value: that would be an inconsistent final plan, which
// Terraform refuses. A provider may read the host while planning, so
// forgetUpstreamPlans leaves no plan to reuse where this apply may have
// changed what it read. That saves a provider round trip per instance.
func (c *Change) reusablePlan(cfg cty.Value) bool {
	return c.plannedConfig != cty.NilVal && cfg.IsWhollyKnown() && cfg.RawEquals(c.plannedConfig)
}

// forgetUpstreamPlans makes every change below a resource that this apply
// changes (directly or through locals, modules, other resources) plan again
// at apply time: its configuration may only now be known, and what its
// provider reads on the host while planning may have changed. A rollout
// plans every change again: its batches apply one after another, each
// seeing only its own changes, with maintenance modes switched around them.
func (e *Engine) forgetUpstreamPlans(changes []*Change) {
	if e.rollout != nil {
		for _, c := range changes {
			c.plannedConfig = cty.NilVal
		}
		return
	}
	changed := map[string]bool{}
	for _, c := range changes {
		if c.Action != NoOp && c.Action != Forget {
			changed[c.ResourceAddr] = true
		}
	}
	below := map[string]bool{}
	var belowChange func(id string) bool
	belowChange = func(id string) bool {
		if v, ok := below[id]; ok {
			return v
		}
		below[id] = false // the graph has no cycles; this ends any walk
		for _, d := range e.graph.deps[id] {
			if changed[d] || belowChange(d) {
				below[id] = true
				return true
			}
		}
		return false
	}
	for _, c := range changes {
		if belowChange(c.ResourceAddr) {
			c.plannedConfig = cty.NilVal
		}
	}
}

func (e *Engine) applyChange(ctx context.Context, server tfprotov6.ProviderServer, c *Change, prior, planned, cfg cty.Value, private []byte) (cty.Value, []byte, hcl.Diagnostics) {
	ty := c.Schema.Type
	priorDV, err1 := encode(prior, ty)
	plannedDV, err2 := encode(planned, ty)
	cfgDV, err3 := encode(cfg, ty)
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return cty.NullVal(ty), nil, hcl.Diagnostics{sourceless("Cannot apply "+c.Addr, err.Error())}
		}
	}
	resp, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: c.Type, PriorState: priorDV, PlannedState: plannedDV, Config: cfgDV, PlannedPrivate: private,
	})
	if err != nil {
		return cty.NullVal(ty), nil, hcl.Diagnostics{sourceless("Provider error", fmt.Sprintf("%s: %s", c.Addr, err))}
	}
	newVal, err := decode(resp.NewState, ty)
	if err != nil {
		return cty.NullVal(ty), nil, hcl.Diagnostics{sourceless("Provider error", fmt.Sprintf("%s: %s", c.Addr, err))}
	}
	var diags hcl.Diagnostics
	for _, d := range resp.Diagnostics {
		sev := hcl.DiagError
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			sev = hcl.DiagWarning
		}
		diags = append(diags, &hcl.Diagnostic{Severity: sev, Summary: d.Summary, Detail: strings.TrimSpace(d.Detail + "\n\n(" + c.Addr + ")")})
	}
	if !diags.HasErrors() && !newVal.IsNull() && !newVal.IsWhollyKnown() {
		diags = append(diags, sourceless("Provider returned unknown values", c.Addr))
	}
	return newVal, resp.Private, diags
}
