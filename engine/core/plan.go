package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// Plan refreshes state and plans every resource. In DestroyMode, every
// object in state is planned for deletion; in RefreshOnlyMode, every
// object keeps its refreshed value (a no-op change) and only the drift
// and the outputs computed from the refreshed values are news.
func (e *Engine) Plan(ctx context.Context, mode Mode) (*Plan, hcl.Diagnostics) {
	diags := e.prepare()
	if diags.HasErrors() {
		return nil, diags
	}
	rf, d := e.prepareRefactoring(mode)
	if diags = append(diags, d...); diags.HasErrors() {
		return nil, diags
	}
	destroy := mode == DestroyMode
	plan := &Plan{Outputs: map[string]OutputValue{}, HostErrors: map[string]string{}, Mode: mode, Lineage: e.State.Lineage, Serial: e.State.Serial, Timestamp: e.PlanTime}
	e.checks = nil
	outputs := &rootOutputs{values: plan.Outputs}
	var mu sync.Mutex
	providerErrors := 0
	addChanges := func(cs []*Change, ds []*Drift) {
		mu.Lock()
		plan.Changes = append(plan.Changes, cs...)
		plan.Drift = append(plan.Drift, ds...)
		mu.Unlock()
		e.mu.Lock()
		for _, c := range cs {
			if c.Action != NoOp {
				e.changing[c.ResourceAddr] = true
			}
		}
		e.mu.Unlock()
	}
	diags = append(diags, e.graph.walk(ctx, e.Parallelism, func(id string) hcl.Diagnostics {
		n := e.nodes[id]
		if e.skipsNode(id) {
			return nil
		}
		switch n.kind {
		case kindProvider:
			if !e.targetsProvider(n.name) {
				return nil
			}
			d := e.configureProvider(ctx, n.name)
			if d.HasErrors() {
				mu.Lock()
				plan.Unreachable = append(plan.Unreachable, n.name)
				plan.HostErrors[n.name] = diagText(d.Errs()[0])
				providerErrors += len(d.Errs())
				mu.Unlock()
			}
			return d
		case kindResource:
			cs, ds, d := e.planResource(ctx, n.res, mode)
			addChanges(cs, ds)
			return d
		case kindCheck, kindOutput:
			if destroy {
				return nil
			}
		}
		return e.evalValue(n, outputs)
	})...)
	if diags.HasErrors() {
		plan.Partial = providerErrors == len(diags.Errs())
		sort.Strings(plan.Unreachable)
		sort.Slice(plan.Changes, func(i, j int) bool { return plan.Changes[i].Addr < plan.Changes[j].Addr })
		return plan, diags
	}
	if e.Targets == nil || len(e.TargetAddrs) > 0 { // watch never targets an orphan; -target may
		cs, ds, d := e.planOrphans(ctx, mode)
		addChanges(cs, ds)
		diags = append(diags, d...)
	}
	diags = append(diags, rf.finish(e, plan)...)
	plan.OutputChanges = outputChanges(plan.Outputs, e.State.Outputs)
	plan.Checks = e.checks
	sort.Slice(plan.Checks, func(i, j int) bool { return plan.Checks[i].Instance < plan.Checks[j].Instance })
	sort.Slice(plan.Changes, func(i, j int) bool { return plan.Changes[i].Addr < plan.Changes[j].Addr })
	sort.Slice(plan.Drift, func(i, j int) bool { return plan.Drift[i].Addr < plan.Drift[j].Addr })
	return plan, diags
}

// diagText is an error diagnostic in one line of words.
func diagText(err error) string {
	var d *hcl.Diagnostic
	if errors.As(err, &d) {
		return strings.Join(strings.Fields(strings.TrimSpace(d.Summary+": "+d.Detail)), " ")
	}
	return err.Error()
}

func (e *Engine) configureProvider(ctx context.Context, key string) hcl.Diagnostics {
	body := hcl.EmptyBody()
	rng := hcl.Range{}
	if p, ok := e.Module.Providers[key]; ok {
		body, rng = p.Config, p.DeclRange
	}
	evalCtx := e.scope.evalContext(dynblock.VariablesHCLDec(body, e.Schemas.Provider.Spec), nil)
	val, diags := e.Schemas.Provider.Decode(dynblock.Expand(body, evalCtx), evalCtx)
	if diags.HasErrors() {
		return diags
	}
	e.mu.Lock()
	e.providerConfigs[key] = val
	e.mu.Unlock()
	if !val.IsWhollyKnown() {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Provider configuration not yet known",
			Detail: fmt.Sprintf("provider %s depends on values known only after apply.", key), Subject: rng.Ptr()}}
	}
	if server := e.Providers.get(key, val); server != nil {
		e.mu.Lock()
		e.servers[key] = server
		e.mu.Unlock()
		return nil
	}
	cfg, err := encode(val, e.Schemas.Provider.Type)
	if err != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid provider configuration", Detail: err.Error(), Subject: rng.Ptr()}}
	}
	server := e.Factory()
	vresp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: cfg})
	if err != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Provider error", Detail: err.Error(), Subject: rng.Ptr()}}
	}
	subject := func(*tftypes.AttributePath) *hcl.Range { return rng.Ptr() }
	if d := protoDiags(vresp.Diagnostics, subject, "provider "+key); d.HasErrors() {
		return d
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "spice", Config: cfg})
	if err != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Provider error", Detail: err.Error(), Subject: rng.Ptr()}}
	}
	if d := protoDiags(resp.Diagnostics, subject, "provider "+key); d.HasErrors() {
		return d
	}
	e.mu.Lock()
	e.servers[key] = server
	e.mu.Unlock()
	e.Providers.put(key, val, server)
	return nil
}

func (e *Engine) server(key string) tfprotov6.ProviderServer {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.servers[key]
}

// refreshResource upgrades and (unless -refresh=false) reads every instance
// of a resource in state, in parallel.
func (e *Engine) refreshResource(ctx context.Context, sr *state.Resource, schema *Schema, server tfprotov6.ProviderServer) (map[string]*priorInstance, []*Drift, hcl.Diagnostics) {
	out := map[string]*priorInstance{}
	if sr == nil {
		return out, nil, nil
	}
	priors := make([]*priorInstance, len(sr.Instances))
	drifts := make([]*Drift, len(sr.Instances))
	diagsOf := make([]hcl.Diagnostics, len(sr.Instances))
	parallel(len(sr.Instances), e.Parallelism, func(i int) {
		priors[i], drifts[i], diagsOf[i] = e.refreshInstance(ctx, sr, sr.Instances[i], schema, server)
	})
	var drift []*Drift
	var diags hcl.Diagnostics
	for i := range sr.Instances {
		diags = append(diags, diagsOf[i]...)
		if drifts[i] != nil {
			drift = append(drift, drifts[i])
		}
		if p := priors[i]; p != nil && !p.value.IsNull() {
			out[keyString(p.key)] = p // a null value is gone: planned as a create, if still declared
		}
	}
	return out, drift, diags
}

func (e *Engine) refreshInstance(ctx context.Context, sr *state.Resource, inst state.Instance, schema *Schema, server tfprotov6.ProviderServer) (*priorInstance, *Drift, hcl.Diagnostics) {
	key := keyValue(inst.IndexKey)
	addr := instanceAddr(sr.Module, config.StateMode(sr.Mode), sr.Type, sr.Name, key)
	fail := func(summary, detail string) (*priorInstance, *Drift, hcl.Diagnostics) {
		return nil, nil, hcl.Diagnostics{sourceless(summary, addr+": "+detail)}
	}
	resAddr := config.StateMode(sr.Mode).LocalAddress(sr.Type, sr.Name)
	if sr.Module != "" {
		resAddr = sr.Module + "." + resAddr
	}
	targeted := e.targetsInstance(resAddr, addr)
	if !targeted && e.skipsUntargeted(resAddr) {
		return nil, nil, nil // left out of the plan, kept in state
	}
	v, err := e.upgrade(ctx, server, sr.Type, schema, inst)
	if err != nil {
		return fail("Cannot read state", err.Error())
	}
	prior := &priorInstance{key: key, value: v, private: inst.Private, deps: inst.Dependencies, tainted: inst.Tainted()}
	if !e.Refresh || config.StateMode(sr.Mode) != config.Managed || !targeted {
		return prior, nil, nil
	}
	e.progress("%s: Refreshing state...%s", addr, idSuffix(v))
	nv, private, ok := readInProcess(ctx, server, sr.Type, schema, v, inst.Private)
	if !ok {
		enc, err := encode(v, schema.Type)
		if err != nil {
			return fail("Cannot read state", err.Error())
		}
		rr, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: sr.Type, CurrentState: enc, Private: inst.Private})
		if err != nil {
			return fail("Provider error", err.Error())
		}
		if msg := errorDiags(rr.Diagnostics); msg != "" {
			return fail("Cannot refresh "+addr, msg)
		}
		if nv, err = decode(rr.NewState, schema.Type); err != nil {
			return fail("Provider error", err.Error())
		}
		private = rr.Private
	}
	var drift *Drift
	// One copy of an unchanged object: a large plan holds thousands. State
	// holds no unknown values, so the raw equality is equality.
	if nv.RawEquals(v) {
		nv = v
	} else if eq := nv.Equals(v); !eq.IsKnown() || eq.False() {
		drift = &Drift{Addr: addr, Module: sr.Module, Mode: config.StateMode(sr.Mode), Type: sr.Type, Name: sr.Name, Key: key,
			Before: v, After: nv, Sensitive: statePaths(schema, inst.SensitiveAttributes)}
	}
	prior.value, prior.private = nv, private
	return prior, drift, nil
}

// inProcessReader is a provider server run in process that can refresh
// some objects without ReadResource's request handling (the spice
// provider's ReadInProcess); ok=false sends the engine to ReadResource.
type inProcessReader interface {
	ReadInProcess(ctx context.Context, typ string, current tftypes.Value, private []byte) (newState tftypes.Value, ok bool)
}

// readInProcess refreshes current through the provider's ReadInProcess,
// which keeps the private state as it is; ok=false where the provider has
// none or declines, for ReadResource to answer.
func readInProcess(ctx context.Context, server tfprotov6.ProviderServer, typ string, schema *Schema, current cty.Value, private []byte) (cty.Value, []byte, bool) {
	quick, ok := server.(inProcessReader)
	if !ok {
		return cty.NilVal, nil, false
	}
	cur, ok := tfValue(current, schema.TF)
	if !ok {
		return cty.NilVal, nil, false
	}
	read, ok := quick.ReadInProcess(ctx, typ, cur, private)
	if !ok {
		return cty.NilVal, nil, false
	}
	nv, ok := ctyValue(read, schema.Type)
	return nv, private, ok
}

// upgrade turns stored attributes into a value of the current schema. State
// written with the current schema version decodes directly; anything else
// (an older version, attributes the schema no longer has) goes through the
// provider's UpgradeResourceState, as Terraform always does.
func (e *Engine) upgrade(ctx context.Context, server tfprotov6.ProviderServer, typ string, schema *Schema, inst state.Instance) (cty.Value, error) {
	if inst.SchemaVersion == schema.Proto.Version {
		if v, ok := e.Decoded.get(typ, inst.Attributes); ok {
			return v, nil
		}
		if v, ok := decodeStringObject(inst.Attributes, schema.Type); ok {
			e.Decoded.put(typ, inst.Attributes, v)
			return v, nil
		}
		if v, err := ctyjson.Unmarshal(inst.Attributes, schema.Type); err == nil {
			e.Decoded.put(typ, inst.Attributes, v)
			return v, nil
		}
	}
	if server == nil { // an untargeted resource, whose host is not contacted
		return cty.NilVal, fmt.Errorf("the state of this %s needs the provider to upgrade it: plan the whole configuration once", typ)
	}
	up, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: typ, Version: inst.SchemaVersion, RawState: &tfprotov6.RawState{JSON: inst.Attributes}})
	if err != nil {
		return cty.NilVal, err
	}
	if msg := errorDiags(up.Diagnostics); msg != "" {
		return cty.NilVal, errors.New(msg)
	}
	return decode(up.UpgradedState, schema.Type)
}

// decodeStringObject is ctyjson.Unmarshal for the commonest attributes in
// state, an object whose every attribute is a string (spice_file's),
// without ctyjson's token by token decoding, which cost a converged plan
// of 10,000 files a tenth of its time. ok=false for any other type and
// any value but an object of strings and nulls: ctyjson then decodes it,
// or says what is wrong.
func decodeStringObject(raw []byte, ty cty.Type) (cty.Value, bool) {
	if !ty.IsObjectType() {
		return cty.NilVal, false
	}
	atys := ty.AttributeTypes()
	for _, aty := range atys {
		if aty != cty.String {
			return cty.NilVal, false
		}
	}
	var attrs map[string]*string
	if err := json.Unmarshal(raw, &attrs); err != nil || attrs == nil {
		return cty.NilVal, false
	}
	vals := make(map[string]cty.Value, len(atys))
	for name, v := range attrs {
		switch _, known := atys[name]; {
		case !known:
			return cty.NilVal, false
		case v == nil:
			vals[name] = cty.NullVal(cty.String)
		default:
			vals[name] = cty.StringVal(*v)
		}
	}
	for name := range atys {
		if _, ok := vals[name]; !ok {
			vals[name] = cty.NullVal(cty.String)
		}
	}
	if len(vals) == 0 {
		return cty.EmptyObjectVal, true
	}
	return cty.ObjectVal(vals), true
}

// expand evaluates count or for_each into instance keys with their
// instance variables.
func (e *Engine) expand(r *config.Resource) ([]cty.Value, []instanceVars, hcl.Diagnostics) {
	switch {
	case r.Count != nil:
		v, diags := r.Count.Value(e.scopeFor(r).evalContext(r.Count.Variables(), nil))
		if diags.HasErrors() {
			return nil, nil, diags
		}
		v, _ = v.Unmark()
		n, err := convert.Convert(v, cty.Number)
		if err != nil || !n.IsKnown() || n.IsNull() {
			return nil, nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid count argument",
				Detail: "count must be a whole number known before apply.", Subject: r.Count.Range().Ptr()}}
		}
		bf := n.AsBigFloat()
		count, acc := bf.Int64()
		if acc != 0 || count < 0 {
			return nil, nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid count argument", Detail: "count must be a non-negative whole number.", Subject: r.Count.Range().Ptr()}}
		}
		keys := make([]cty.Value, count)
		vars := make([]instanceVars, count)
		for i := range keys {
			keys[i] = cty.NumberIntVal(int64(i))
			vars[i] = instanceVars{"count": cty.ObjectVal(map[string]cty.Value{"index": keys[i]})}
		}
		return keys, vars, nil
	case r.ForEach != nil:
		v, diags := r.ForEach.Value(e.scopeFor(r).evalContext(r.ForEach.Variables(), nil))
		if diags.HasErrors() {
			return nil, nil, diags
		}
		if v.ContainsMarked() {
			return nil, nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid for_each argument",
				Detail: "for_each cannot use sensitive values: instance keys are shown in output.", Subject: r.ForEach.Range().Ptr()}}
		}
		if !v.IsWhollyKnown() || v.IsNull() {
			return nil, nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid for_each argument",
				Detail: "for_each must be a map or set of strings known before apply.", Subject: r.ForEach.Range().Ptr()}}
		}
		ty := v.Type()
		if !ty.IsMapType() && !ty.IsObjectType() && (!ty.IsSetType() || ty.ElementType() != cty.String) {
			return nil, nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid for_each argument",
				Detail: fmt.Sprintf("for_each takes a map or a set of strings, not %s.", ty.FriendlyName()), Subject: r.ForEach.Range().Ptr()}}
		}
		var keys []cty.Value
		var vars []instanceVars
		for it := v.ElementIterator(); it.Next(); {
			k, val := it.Element()
			if ty.IsSetType() {
				k = val
			}
			keys = append(keys, k)
			vars = append(vars, instanceVars{"each": cty.ObjectVal(map[string]cty.Value{"key": k, "value": val})})
		}
		return keys, vars, nil
	}
	return []cty.Value{cty.NilVal}, []instanceVars{nil}, nil
}

// planResource refreshes a resource's instances and plans each one.
func (e *Engine) planResource(ctx context.Context, r *config.Resource, mode Mode) ([]*Change, []*Drift, hcl.Diagnostics) {
	destroy := mode == DestroyMode
	schema := e.Schemas.For(r.Mode, r.Type)
	server := e.server(r.ProviderKey)
	targeted := e.targetsResource(r.Address())
	if !targeted && e.skipsUntargeted(r.Address()) {
		return nil, nil, nil // kept in state as it is; nothing needs its value
	}
	if r.Mode == config.Data && targeted {
		if destroy {
			if r.Check != "" {
				return nil, nil, nil // checks are not evaluated on destroy
			}
			// Read, as Terraform's destroy does, for the locals and provider
			// configurations that use it; the read itself is no change.
			_, _, d := e.planData(ctx, r, schema, server)
			return nil, nil, d
		}
		return e.planData(ctx, r, schema, server)
	}
	priors, drift, diags := e.refreshResource(ctx, e.State.FindIn(r.ModulePath, r.Mode.String(), r.Type, r.Name), schema, server)
	if diags.HasErrors() {
		return nil, drift, diags
	}
	var changes []*Change
	if mode != NormalMode || !targeted {
		keepMode := mode
		if !targeted {
			keepMode = RefreshOnlyMode // kept as it is in state
		}
		sorted := sortedPriors(priors)
		sort.SliceStable(sorted, func(i, j int) bool { return keyLess(sorted[i].key, sorted[j].key) }) // count: by index
		keys, values := make([]cty.Value, len(sorted)), make([]cty.Value, len(sorted))
		for i, p := range sorted {
			instMode := keepMode
			if !e.targetsInstance(r.Address(), instanceAddr(r.ModulePath, r.Mode, r.Type, r.Name, p.key)) {
				instMode = RefreshOnlyMode // -target of other instances
			}
			changes = append(changes, e.priorChange(r.ModulePath, r.Mode, r.Type, r.Name, r.ProviderKey, p, schema, instMode))
			keys[i], values[i] = p.key, markSensitive(p.value, schema.Sensitive)
		}
		// Expressions see what is in state (locals, the configuration of
		// providers, outputs), as in Terraform's destroy and refresh-only
		// plans.
		e.scopeFor(r).setResource(r.LocalAddress(), aggregatePrior(r, keys, values, schema))
		return changes, drift, e.checkPreventDestroy(r, changes)
	}
	keys, vars, d := e.expand(r)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, drift, diags
	}
	deps := e.graph.deps[r.Address()]
	imported := map[string]string{}
	for _, key := range keys {
		addr := instanceAddr(r.ModulePath, r.Mode, r.Type, r.Name, key)
		for _, imp := range e.Module.Imports {
			if imp.To != addr || priors[keyString(key)] != nil {
				continue
			}
			p, id, d := e.importInstance(ctx, r, schema, server, key, imp)
			diags = append(diags, d...)
			if d.HasErrors() {
				return nil, drift, diags
			}
			priors[keyString(key)] = p
			imported[keyString(key)] = id
		}
	}
	instPriors := make([]*priorInstance, len(keys))
	for i, key := range keys {
		instPriors[i] = priors[keyString(key)]
		delete(priors, keyString(key))
	}
	planned := make([]*Change, len(keys))
	diagsOf := make([]hcl.Diagnostics, len(keys))
	parallel(len(keys), e.Parallelism, func(i int) {
		if !e.targetsInstance(r.Address(), instanceAddr(r.ModulePath, r.Mode, r.Type, r.Name, keys[i])) {
			planned[i] = e.untargetedChange(r, schema, keys[i], instPriors[i])
			return
		}
		planned[i], diagsOf[i] = e.planInstance(ctx, r, schema, server, keys[i], vars[i], instPriors[i], deps)
	})
	afters := make([]cty.Value, len(keys))
	for i, c := range planned {
		diags = append(diags, diagsOf[i]...)
		if c == nil { // failed, or untargeted and not in state: unknown
			afters[i] = cty.UnknownVal(schema.Type)
			continue
		}
		c.ImportID = imported[keyString(c.Key)]
		changes = append(changes, c)
		afters[i] = markSensitive(c.After, c.Sensitive)
	}
	if diags.HasErrors() {
		return nil, drift, diags
	}
	for _, p := range sortedPriors(priors) {
		if !e.targetsInstance(r.Address(), instanceAddr(r.ModulePath, r.Mode, r.Type, r.Name, p.key)) {
			changes = append(changes, e.priorChange(r.ModulePath, r.Mode, r.Type, r.Name, r.ProviderKey, p, schema, RefreshOnlyMode))
			continue
		}
		changes = append(changes, e.deleteChange(r.ModulePath, r.Mode, r.Type, r.Name, r.ProviderKey, p, schema))
	}
	e.scopeFor(r).setResource(r.LocalAddress(), aggregate(r, keys, afters))
	return changes, drift, append(diags, e.checkPreventDestroy(r, changes)...)
}

// planData reads a data source while planning when its configuration is
// known, and defers the read to apply (<= read) when it is not.
func (e *Engine) planData(ctx context.Context, r *config.Resource, schema *Schema, server tfprotov6.ProviderServer) ([]*Change, []*Drift, hcl.Diagnostics) {
	keys, vars, diags := e.expand(r)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	changes := make([]*Change, 0, len(keys))
	afters := make([]cty.Value, len(keys))
	for i, key := range keys {
		c, d := e.readData(ctx, r, schema, server, key, vars[i], false)
		if r.Check != "" {
			d = checkWarnings(d)
		}
		diags = append(diags, d...)
		if c == nil && r.Check != "" { // failed: the check's assertions see an unknown value
			afters[i] = cty.UnknownVal(schema.Type)
			continue
		}
		if d.HasErrors() {
			return nil, nil, diags
		}
		changes = append(changes, c)
		afters[i] = markSensitive(c.After, c.Sensitive)
	}
	e.scopeFor(r).setResource(r.LocalAddress(), aggregate(r, keys, afters))
	return changes, nil, diags
}

// dependsOnChanges reports whether anything r depends on, directly or
// through locals and other nodes, has planned changes: a check's data
// source then reads at apply, after them (a health check of a service
// being restarted), as Terraform defers it.
func (e *Engine) dependsOnChanges(r *config.Resource) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	seen := map[string]bool{}
	var visit func(id string) bool
	visit = func(id string) bool {
		for _, dep := range e.graph.deps[id] {
			if seen[dep] {
				continue
			}
			seen[dep] = true
			if e.changing[dep] || visit(dep) {
				return true
			}
		}
		return false
	}
	return visit(r.Address())
}

// checkWarnings turns the errors of a check-scoped data source into
// warnings: a check reports, it never stops a plan or an apply.
func checkWarnings(diags hcl.Diagnostics) hcl.Diagnostics {
	for _, d := range diags {
		d.Severity = hcl.DiagWarning
	}
	return diags
}

// readData evaluates one data source instance and reads it when its
// configuration is known (as it must be at apply).
func (e *Engine) readData(ctx context.Context, r *config.Resource, schema *Schema, server tfprotov6.ProviderServer, key cty.Value, inst instanceVars, applying bool) (*Change, hcl.Diagnostics) {
	addr := instanceAddr(r.ModulePath, r.Mode, r.Type, r.Name, key)
	cfg, body, diags := e.instanceConfig(r, schema, inst)
	if diags.HasErrors() {
		return nil, diags
	}
	if d := e.validateResource(ctx, server, r, schema, body, cfg); d.HasErrors() {
		return nil, append(diags, d...)
	}
	cfg, marks := unmarkDeepWithPaths(cfg)
	c := &Change{Addr: addr, ResourceAddr: r.Address(), Module: r.ModulePath, Mode: r.Mode, Type: r.Type, Name: r.Name, Key: key,
		ProviderKey: r.ProviderKey, Deps: e.graph.deps[r.Address()], Schema: schema, Sensitive: unionPaths(schema.Sensitive, marks),
		Before: cty.NullVal(schema.Type)}
	if !cfg.IsWhollyKnown() || (!applying && r.Check != "" && e.dependsOnChanges(r)) {
		if applying {
			return nil, append(diags, sourceless("Data source configuration not known", addr))
		}
		c.Action, c.After = Read, cty.UnknownVal(schema.Type)
		return c, diags
	}
	dv, err := encode(cfg, schema.Type)
	if err != nil {
		return nil, append(diags, sourceless("Cannot read "+addr, err.Error()))
	}
	op := e.begin(addr, opRead, cty.NullVal(schema.Type))
	resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: r.Type, Config: dv})
	op.end()
	if err != nil {
		return nil, append(diags, sourceless("Provider error", fmt.Sprintf("%s: %s", addr, err)))
	}
	diags = append(diags, protoDiags(resp.Diagnostics, e.subjectFunc(r, schema, body), addr)...)
	if diags.HasErrors() {
		return nil, diags
	}
	v, err := decode(resp.State, schema.Type)
	if err != nil {
		return nil, append(diags, sourceless("Provider error", fmt.Sprintf("%s: %s", addr, err)))
	}
	op.complete(v)
	c.Action, c.After = NoOp, v
	return c, diags
}

func (e *Engine) checkPreventDestroy(r *config.Resource, changes []*Change) hcl.Diagnostics {
	if !r.Lifecycle.PreventDestroy {
		return nil
	}
	for _, c := range changes {
		if c.Action == Delete || c.Action.IsReplace() {
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Instance cannot be destroyed",
				Detail: fmt.Sprintf("%s has lifecycle.prevent_destroy set, but the plan would destroy it.", c.Addr), Subject: r.DeclRange.Ptr()}}
		}
	}
	return nil
}

func sortedPriors(m map[string]*priorInstance) []*priorInstance {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*priorInstance, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// aggregate is the value a resource reference evaluates to.
func aggregate(r *config.Resource, keys []cty.Value, afters []cty.Value) cty.Value {
	switch {
	case r.Count != nil:
		if len(afters) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(afters)
	case r.ForEach != nil:
		m := map[string]cty.Value{}
		for i, k := range keys {
			m[k.AsString()] = afters[i]
		}
		return cty.ObjectVal(m)
	}
	return afters[0]
}

// aggregatePrior is aggregate for the instances found in state; a single
// resource without one is null.
func aggregatePrior(r *config.Resource, keys, values []cty.Value, schema *Schema) cty.Value {
	if r.Count == nil && r.ForEach == nil && len(values) == 0 {
		return cty.NullVal(schema.Type)
	}
	return aggregate(r, keys, values)
}

// priorChange is what a destroy plan does with an object in state
// (delete it) and what a refresh-only plan does with it (keep its
// refreshed value).
func (e *Engine) priorChange(module string, mode config.Mode, typ, name, providerKey string, p *priorInstance, schema *Schema, planMode Mode) *Change {
	if planMode != RefreshOnlyMode {
		return e.deleteChange(module, mode, typ, name, providerKey, p, schema)
	}
	c := e.deleteChange(module, mode, typ, name, providerKey, p, schema)
	c.Action, c.After, c.Private = NoOp, p.value, p.private
	return c
}

func (e *Engine) deleteChange(module string, mode config.Mode, typ, name, providerKey string, p *priorInstance, schema *Schema) *Change {
	resAddr := mode.LocalAddress(typ, name)
	if module != "" {
		resAddr = module + "." + resAddr
	}
	return &Change{
		Addr: instanceAddr(module, mode, typ, name, p.key), ResourceAddr: resAddr, Module: module, Mode: mode, Type: typ, Name: name,
		Key: p.key, ProviderKey: providerKey, Action: Delete, Before: p.value, After: cty.NullVal(schema.Type),
		Sensitive: schema.Sensitive, PriorPrivate: p.private, Deps: p.deps, Schema: schema,
	}
}

// instanceConfig evaluates a resource instance's configuration.
func (e *Engine) instanceConfig(r *config.Resource, schema *Schema, inst instanceVars) (cty.Value, hcl.Body, hcl.Diagnostics) {
	refs := dynblock.VariablesHCLDec(r.Config, schema.Spec)
	evalCtx := e.scopeFor(r).evalContext(refs, inst)
	body := dynblock.Expand(r.Config, evalCtx)
	val, diags := schema.Decode(body, evalCtx)
	return val, body, diags
}

func (e *Engine) planInstance(ctx context.Context, r *config.Resource, schema *Schema, server tfprotov6.ProviderServer, key cty.Value, inst instanceVars, prior *priorInstance, deps []string) (*Change, hcl.Diagnostics) {
	addr := instanceAddr(r.ModulePath, r.Mode, r.Type, r.Name, key)
	cfg, body, diags := e.instanceConfig(r, schema, inst)
	if diags.HasErrors() {
		return nil, diags
	}
	preStatus, d := e.checkConditions(e.scopeFor(r), r.Lifecycle.Preconditions, inst, cty.NilVal, "Resource precondition failed")
	if d.HasErrors() {
		return nil, append(diags, d...)
	}
	// Validated per instance, as Terraform does while planning: values
	// that depend on count.index or each.key are known here.
	if d := e.validateResource(ctx, server, r, schema, body, cfg); d.HasErrors() {
		return nil, append(diags, d...)
	}
	cfg, marks := unmarkDeepWithPaths(cfg)
	c := &Change{Addr: addr, ResourceAddr: r.Address(), Module: r.ModulePath, Mode: r.Mode, Type: r.Type, Name: r.Name, Key: key, ProviderKey: r.ProviderKey,
		Deps: deps, Schema: schema, Sensitive: unionPaths(schema.Sensitive, marks)}
	priorVal, priorPrivate := cty.NullVal(schema.Type), []byte(nil)
	c.Before = priorVal
	if prior != nil {
		c.Before, c.PriorPrivate, c.Tainted = prior.value, prior.private, prior.tainted
	}
	// A tainted object is planned as Terraform plans it: a create, from
	// nothing, that replaces it.
	replace := prior != nil && e.replaceRequested(addr)
	if prior != nil && !prior.tainted && !replace {
		priorVal, priorPrivate = prior.value, prior.private
		cfg = ignoreChanges(r, cfg, priorVal)
	}
	subject := e.subjectFunc(r, schema, body)
	planned, requiresReplace, private, d := e.planChange(ctx, server, r.Type, schema, priorVal, cfg, priorPrivate, subject, addr)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, diags
	}
	switch {
	case prior == nil:
		c.Action = Create
	case prior.tainted || replace:
		c.Action = replaceAction(r)
		c.ReplaceRequested = !prior.tainted
	case len(requiresReplace) > 0:
		c.Action = replaceAction(r)
		c.ReplacePaths = requiresReplace
		planned, _, private, d = e.planChange(ctx, server, r.Type, schema, cty.NullVal(schema.Type), cfg, nil, subject, addr)
		diags = append(diags, d...)
		if d.HasErrors() {
			return nil, diags
		}
	default:
		c.Action = Update
		if planned.RawEquals(priorVal) { // the prior, from state, holds no unknown values
			planned = priorVal // one copy of an unchanged object, as in refreshInstance
			c.Action = NoOp
		} else if eq := planned.Equals(priorVal); eq.IsKnown() && eq.True() {
			c.Action = NoOp
		}
	}
	c.After, c.Private, c.plannedConfig = planned, private, cfg
	// Evaluated on the planned object, unknown parts and all, as Terraform
	// does: a condition that depends on them is unknown until apply.
	postStatus, d := e.checkConditions(e.scopeFor(r), r.Lifecycle.Postconditions, inst, planned, "Resource postcondition failed")
	diags = append(diags, d...)
	if len(r.Lifecycle.Preconditions)+len(r.Lifecycle.Postconditions) > 0 {
		e.recordCheck(CheckResult{Kind: "resource", Module: r.ModulePath, Name: r.Name, Mode: r.Mode, Type: r.Type, Instance: addr, Key: key,
			Status: worstStatus(preStatus, postStatus)})
	}
	return c, diags
}

// replaceAction is how r is replaced: destroy first, unless its
// lifecycle asks to create the new object first.
func replaceAction(r *config.Resource) Action {
	if r.Lifecycle.CreateBeforeDestroy {
		return CreateThenDelete
	}
	return DeleteThenCreate
}

// noChangePlanner is a provider server run in process that can tell,
// without PlanResourceChange, that PlanResourceChange would plan an
// existing object as it is (the spice provider's PlansNoChange).
type noChangePlanner interface {
	PlansNoChange(ctx context.Context, typ string, config, prior tftypes.Value) bool
}

// plansNoChange is the provider's PlansNoChange, false where it has none.
func plansNoChange(ctx context.Context, server tfprotov6.ProviderServer, typ string, schema *Schema, prior, cfg cty.Value) bool {
	quick, ok := server.(noChangePlanner)
	if !ok || prior.IsNull() {
		return false
	}
	priorTF, ok1 := tfValue(prior, schema.TF)
	cfgTF, ok2 := tfValue(cfg, schema.TF)
	return ok1 && ok2 && quick.PlansNoChange(ctx, typ, cfgTF, priorTF)
}

// planChange calls PlanResourceChange with Terraform's proposed new state;
// for an existing object the provider says it would plan as it is, the
// plan is that object.
func (e *Engine) planChange(ctx context.Context, server tfprotov6.ProviderServer, typ string, schema *Schema, prior, cfg cty.Value, priorPrivate []byte, subject func(*tftypes.AttributePath) *hcl.Range, addr string) (cty.Value, []cty.Path, []byte, hcl.Diagnostics) {
	if plansNoChange(ctx, server, typ, schema, prior, cfg) {
		return prior, nil, priorPrivate, nil
	}
	priorDV, err1 := encode(prior, schema.Type)
	cfgDV, err2 := encode(cfg, schema.Type)
	for _, err := range []error{err1, err2} {
		if err != nil {
			return cty.NilVal, nil, nil, hcl.Diagnostics{sourceless("Cannot plan "+addr, err.Error())}
		}
	}
	proposedDV, err := encode(proposedNew(schema.Proto.Block, prior, cfg), schema.Type)
	if err != nil {
		return cty.NilVal, nil, nil, hcl.Diagnostics{sourceless("Cannot plan "+addr, err.Error())}
	}
	resp, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typ, PriorState: priorDV, ProposedNewState: proposedDV, Config: cfgDV, PriorPrivate: priorPrivate,
	})
	if err != nil {
		return cty.NilVal, nil, nil, hcl.Diagnostics{sourceless("Provider error", fmt.Sprintf("%s: %s", addr, err))}
	}
	diags := protoDiags(resp.Diagnostics, subject, addr)
	if diags.HasErrors() {
		return cty.NilVal, nil, nil, diags
	}
	planned, err := decode(resp.PlannedState, schema.Type)
	if err != nil {
		return cty.NilVal, nil, nil, append(diags, sourceless("Provider error", fmt.Sprintf("%s: %s", addr, err)))
	}
	var paths []cty.Path
	for _, p := range resp.RequiresReplace {
		paths = append(paths, ctyPath(p))
	}
	return planned, paths, resp.PlannedPrivate, diags
}

// ignoreChanges keeps prior values for attributes lifecycle.ignore_changes
// names.
func ignoreChanges(r *config.Resource, cfg, prior cty.Value) cty.Value {
	if prior.IsNull() || (!r.Lifecycle.IgnoreAllChanges && len(r.Lifecycle.IgnoreChanges) == 0) {
		return cfg
	}
	attrs := cfg.AsValueMap()
	for name := range attrs {
		ignored := r.Lifecycle.IgnoreAllChanges
		for _, tr := range r.Lifecycle.IgnoreChanges {
			if tr.RootName() == name {
				ignored = true
			}
		}
		if ignored {
			attrs[name] = prior.GetAttr(name)
		}
	}
	return cty.ObjectVal(attrs)
}

// planOrphans plans the deletion of resources in state that the
// configuration no longer declares.
// In a refresh-only plan they keep their refreshed values.
func (e *Engine) planOrphans(ctx context.Context, planMode Mode) ([]*Change, []*Drift, hcl.Diagnostics) {
	var changes []*Change
	var drift []*Drift
	var diags hcl.Diagnostics
	for i := range e.State.Resources {
		sr := &e.State.Resources[i]
		mode := config.StateMode(sr.Mode)
		if sc := e.scopes[sr.Module]; sc != nil && sc.resource(mode.LocalAddress(sr.Type, sr.Name)) != nil {
			continue
		}
		resAddr := joinPath(sr.Module, mode.LocalAddress(sr.Type, sr.Name))
		if !e.targetsResource(resAddr) {
			continue
		}
		schema := e.Schemas.For(mode, sr.Type)
		if schema == nil {
			diags = append(diags, sourceless("Unknown resource type in state", fmt.Sprintf("%s.%s: the spice provider has no type %q", sr.Type, sr.Name, sr.Type)))
			continue
		}
		key, err := providerKeyFromAddress(sr.Provider)
		if err != nil {
			diags = append(diags, sourceless("Foreign provider in state", err.Error()))
			continue
		}
		priors, d, dd := e.refreshResource(ctx, sr, schema, e.server(key))
		drift = append(drift, d...)
		diags = append(diags, dd...)
		if mode == config.Data {
			continue // data sources are simply forgotten
		}
		for _, p := range sortedPriors(priors) {
			if !e.targetsInstance(resAddr, instanceAddr(sr.Module, mode, sr.Type, sr.Name, p.key)) {
				continue // stays in state as it is
			}
			c := e.priorChange(sr.Module, mode, sr.Type, sr.Name, key, p, schema, planMode)
			if planMode == NormalMode {
				c.Reason = orphanReason(e.scopes[sr.Module] == nil)
				if forgotten(e.removed, sr.Module, c.ResourceAddr) {
					c.Action = Forget // a removed block with destroy = false
				}
			}
			changes = append(changes, c)
		}
	}
	return changes, drift, diags
}
