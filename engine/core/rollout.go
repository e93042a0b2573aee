package core

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// Rolling updates (spice apply -rollout=N): the manual's "Application
// Updates" procedure, declared. One plan is made and shown as usual; its
// changes are then applied host by host, N hosts at a time:
//
//   - a host is a machine: the provider configurations whose host, port
//     and root are the same (aliases of one machine) are one host;
//   - the hosts with changes are taken in the configuration's order of
//     their provider blocks (a provider without a block, the default
//     "spice", first), except that a host whose changes depend on
//     changes of another host goes after it (a secret made on one host
//     and written on others);
//   - for each batch: every spice_maintenance_mode of its hosts that is
//     off is switched on, the hosts' changes are applied (a restarted
//     spice_service waits for its health check), every running service
//     with a health_check on the hosts is asked once more (the gate), and
//     the maintenance modes go back to what the configuration says;
//   - the first batch that fails stops the rollout: later hosts are not
//     contacted again and their objects in state stay as they were; a
//     failed host stays in maintenance mode, as state records it;
//   - once every batch passed, the hosts without changes are applied
//     (their data sources, the objects' refreshed values) and the
//     outputs are set, as a plain apply would.
//
// Objects of the hosts a step does not apply are held (rolloutHolds):
// they keep the values they have, the planned values of hosts not reached
// yet and the applied values of hosts already done.

// maintenanceType is the resource a rollout switches on around a host's
// changes.
const maintenanceType = "spice_maintenance_mode"

// RolloutHost is one machine of a rollout.
type RolloutHost struct {
	// Name is its first provider configuration in the configuration's
	// order, such as spice.web1.
	Name string
	// Providers are the provider configurations that reach it.
	Providers []string
	// Changes counts its planned changes (no-ops and reads left out).
	Changes int
}

// String is the host as progress lines name it: "spice.web1 (2 changes)".
func (h RolloutHost) String() string {
	noun := "changes"
	if h.Changes == 1 {
		noun = "change"
	}
	return fmt.Sprintf("%s (%d %s)", h.Name, h.Changes, noun)
}

// rolloutStep is what one Apply of a rollout applies.
type rolloutStep struct {
	providers map[string]bool
	// held are resources of those providers that the step leaves alone
	// (maintenance modes switched around it).
	held map[string]bool
	// final is the last step: outputs and checks are evaluated.
	final bool
}

// rolloutHolds reports whether a node is left out of the current
// rollout step (see rolloutStep); without a rollout nothing is.
func (e *Engine) rolloutHolds(id string) bool {
	s := e.rollout
	if s == nil {
		return false
	}
	n := e.nodes[id]
	switch {
	case n == nil:
		return false
	case n.kind == kindResource:
		return !s.providers[n.res.ProviderKey] || s.held[id]
	case n.kind == kindOutput || n.kind == kindCheck:
		return !s.final
	}
	return false
}

// rolloutHoldsOutputs reports whether the current step leaves the
// outputs in state as they are: every step but the last.
func (e *Engine) rolloutHoldsOutputs() bool { return e.rollout != nil && !e.rollout.final }

// RolloutBatches groups the plan's changes by host and orders them into
// batches of up to n hosts (see the comment at the top of rollout.go).
func (e *Engine) RolloutBatches(plan *Plan, n int) ([][]RolloutHost, error) {
	hosts, hostOf := e.rolloutHosts(plan)
	// Reads count here: a data source read at apply needs what it
	// depends on applied first, and is read in its host's step.
	changing := map[string]bool{}
	for _, c := range plan.Changes {
		if c.Action != NoOp {
			changing[c.ResourceAddr] = true
		}
	}
	// after[h] are the hosts whose changes h's changes depend on.
	after := map[string][]string{}
	for _, c := range plan.Changes {
		if c.Action == NoOp {
			continue
		}
		h := hostOf[c.ProviderKey]
		for _, dep := range e.resourceDeps(c.ResourceAddr) {
			n := e.nodes[dep]
			if !changing[dep] || n == nil {
				continue
			}
			if dh := hostOf[n.res.ProviderKey]; dh != h && !contains(after[h], dh) {
				after[h] = append(after[h], dh)
			}
		}
	}
	var names []string
	byName := map[string]RolloutHost{}
	for _, h := range hosts {
		if h.Changes > 0 {
			names = append(names, h.Name)
			byName[h.Name] = h
		}
	}
	order, err := batchHosts(names, after, n)
	if err != nil {
		return nil, err
	}
	out := make([][]RolloutHost, len(order))
	for i, batch := range order {
		for _, name := range batch {
			out[i] = append(out[i], byName[name])
		}
	}
	return out, nil
}

// isRolloutChange reports a change that makes its host part of a rollout.
func isRolloutChange(c *Change) bool { return c.Action != NoOp && c.Action != Read }

// batchHosts puts hosts (in their configured order) into batches of n:
// each host in the batch of the hosts it must follow or a later one, else
// in its order. A cycle (two hosts each waiting for the other) cannot be
// rolled out.
func batchHosts(hosts []string, after map[string][]string, n int) ([][]string, error) {
	if n < 1 {
		return nil, fmt.Errorf("-rollout must be at least 1, got %d", n)
	}
	done := map[string]bool{}
	present := map[string]bool{}
	for _, h := range hosts {
		present[h] = true
	}
	var out [][]string
	for len(done) < len(hosts) {
		// A host can join the batch of the hosts it follows: one Apply
		// orders their changes. Hence passes until the batch stops growing.
		var batch []string
		inBatch := map[string]bool{}
		for grew := true; grew && len(batch) < n; {
			grew = false
			for _, h := range hosts {
				if done[h] || inBatch[h] || len(batch) == n {
					continue
				}
				ready := true
				for _, d := range after[h] {
					ready = ready && (done[d] || inBatch[d] || !present[d])
				}
				if ready {
					batch, inBatch[h], grew = append(batch, h), true, true
				}
			}
		}
		if len(batch) == 0 {
			var waiting []string
			for _, h := range hosts {
				if !done[h] {
					waiting = append(waiting, fmt.Sprintf("%s waits for %s", h, strings.Join(after[h], ", ")))
				}
			}
			return nil, fmt.Errorf("the hosts' changes depend on each other, so no host can go first: %s", strings.Join(waiting, "; "))
		}
		for _, h := range batch {
			done[h] = true
		}
		out = append(out, batch)
	}
	return out, nil
}

// rolloutHosts groups the plan's provider configurations into machines,
// in the configuration's order, and maps each configuration to its
// machine's name.
func (e *Engine) rolloutHosts(plan *Plan) ([]RolloutHost, map[string]string) {
	keys := map[string]bool{}
	for _, c := range plan.Changes {
		keys[c.ProviderKey] = true
	}
	ordered := make([]string, 0, len(keys))
	for k := range keys {
		ordered = append(ordered, k)
	}
	sort.Slice(ordered, func(i, j int) bool { return e.providerBefore(ordered[i], ordered[j]) })
	var hosts []RolloutHost
	byMachine := map[string]int{}
	hostOf := map[string]string{}
	for _, k := range ordered {
		m := e.machineOf(k)
		i, ok := byMachine[m]
		if !ok {
			i = len(hosts)
			byMachine[m] = i
			hosts = append(hosts, RolloutHost{Name: k})
		}
		hosts[i].Providers = append(hosts[i].Providers, k)
		hostOf[k] = hosts[i].Name
	}
	for _, c := range plan.Changes {
		if isRolloutChange(c) {
			hosts[byMachine[e.machineOf(c.ProviderKey)]].Changes++
		}
	}
	return hosts, hostOf
}

// providerBefore orders provider configurations as their blocks appear
// (file name, then position); one without a block goes first.
func (e *Engine) providerBefore(a, b string) bool {
	pa, pb := e.Module.Providers[a], e.Module.Providers[b]
	switch {
	case pa == nil || pb == nil:
		if (pa == nil) != (pb == nil) {
			return pa == nil
		}
		return a < b
	case pa.DeclRange.Filename != pb.DeclRange.Filename:
		return pa.DeclRange.Filename < pb.DeclRange.Filename
	}
	return pa.DeclRange.Start.Byte < pb.DeclRange.Start.Byte
}

// machineOf identifies the machine a provider configuration reaches: its
// host, port and root as planned; the key itself when not known.
func (e *Engine) machineOf(key string) string {
	if e.ProviderConfig(key) == cty.NilVal {
		return "provider " + key
	}
	root := e.providerAttr(key, "root", "/")
	if host := e.providerAttr(key, "host", "local"); host != "local" {
		return fmt.Sprintf("%s port %s root %s", host, e.providerAttr(key, "port", "22"), root)
	}
	return "local root " + root
}

// isImage reports a provider configuration that manages a tree under
// root instead of a running system: nothing there answers health checks.
func (e *Engine) isImage(key string) bool { return e.providerAttr(key, "root", "/") != "/" }

// providerAttr is a provider configuration's string or number argument
// as planned, or fallback when it is not set.
func (e *Engine) providerAttr(key, name, fallback string) string {
	cfg := e.ProviderConfig(key)
	if cfg == cty.NilVal || cfg.IsNull() || !cfg.Type().IsObjectType() || !cfg.Type().HasAttribute(name) {
		return fallback
	}
	v := cfg.GetAttr(name)
	switch {
	case v.IsNull() || !v.IsKnown():
		return fallback
	case v.Type() == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case v.Type() == cty.String && v.AsString() != "":
		return v.AsString()
	}
	return fallback
}

// resourceDeps lists the resources a resource depends on: through
// locals, module calls and outputs, up to the first resources reached.
func (e *Engine) resourceDeps(id string) []string {
	var out []string
	seen := map[string]bool{id: true}
	stack := append([]string{}, e.graph.deps[id]...)
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[d] {
			continue
		}
		seen[d] = true
		if n := e.nodes[d]; n != nil && n.kind == kindResource {
			out = append(out, d)
			continue
		}
		stack = append(stack, e.graph.deps[d]...)
	}
	sort.Strings(out)
	return out
}

// ApplyRollout applies a normal plan n hosts at a time (see the comment
// at the top of rollout.go), saving state after every object as Apply
// does. The first batch that fails stops it with an error that names the
// host and the hosts left untouched.
func (e *Engine) ApplyRollout(ctx context.Context, plan *Plan, n int, save func(*state.File) error) hcl.Diagnostics {
	if plan.Mode != NormalMode {
		return hcl.Diagnostics{sourceless("Invalid rollout", "-rollout applies configuration changes; it does not combine with -destroy or -refresh-only.")}
	}
	batches, err := e.RolloutBatches(plan, n)
	if err != nil {
		return hcl.Diagnostics{sourceless("Cannot roll out", err.Error())}
	}
	defer func() { e.rollout = nil }()
	var diags hcl.Diagnostics
	inBatch := map[string]bool{}
	for _, batch := range batches {
		for _, h := range batch {
			for _, k := range h.Providers {
				inBatch[k] = true
			}
		}
	}
	for i, batch := range batches {
		names := make([]string, len(batch))
		for j, h := range batch {
			names[j] = h.String()
		}
		label := fmt.Sprintf("Rollout %d/%d", i+1, len(batches))
		e.progress("%s: %s", label, strings.Join(names, ", "))
		d := e.applyBatch(ctx, plan, batch, save)
		diags = append(diags, d...)
		if d.HasErrors() || ctx.Err() != nil {
			e.progress("%s: failed; the rollout stops here", label)
			return append(diags, rolloutStopped(batches, i))
		}
		e.progress("%s: done", label)
	}
	// The hosts without changes, and the outputs.
	final := &rolloutStep{providers: map[string]bool{}, final: true}
	for _, c := range plan.Changes {
		if !inBatch[c.ProviderKey] {
			final.providers[c.ProviderKey] = true
		}
	}
	e.rollout = final
	return append(diags, e.Apply(ctx, rolloutPlan(plan, final), save)...)
}

// rolloutStopped is the error that ends a failed rollout: which hosts
// failed, which completed and which were left as they were.
func rolloutStopped(batches [][]RolloutHost, failed int) *hcl.Diagnostic {
	list := func(bs [][]RolloutHost) string {
		var names []string
		for _, b := range bs {
			for _, h := range b {
				names = append(names, h.String())
			}
		}
		if len(names) == 0 {
			return "none"
		}
		return strings.Join(names, ", ")
	}
	var at []string
	for _, h := range batches[failed] {
		at = append(at, h.Name)
	}
	return sourceless("Rollout stopped at "+strings.Join(at, ", "), fmt.Sprintf(
		"The changes or health checks of %s failed (see above); hosts that fail stay in maintenance mode.\n"+
			"Completed: %s.\nNot applied, left as they are: %s.\n"+
			"The state records what completed: fix the cause and run apply again to continue the rollout.",
		list(batches[failed:failed+1]), list(batches[:failed]), list(batches[failed+1:])))
}

// rolloutPlan is the part of a plan one step applies.
func rolloutPlan(plan *Plan, s *rolloutStep) *Plan {
	p := *plan
	p.Changes = nil
	for _, c := range plan.Changes {
		if s.providers[c.ProviderKey] && !s.held[c.ResourceAddr] {
			p.Changes = append(p.Changes, c)
		}
	}
	return &p
}

// applyBatch applies the changes of some hosts: maintenance on, changes,
// health gate, maintenance as configured.
func (e *Engine) applyBatch(ctx context.Context, plan *Plan, batch []RolloutHost, save func(*state.File) error) hcl.Diagnostics {
	step := &rolloutStep{providers: map[string]bool{}, held: map[string]bool{}}
	for _, h := range batch {
		for _, k := range h.Providers {
			step.providers[k] = true
		}
	}
	w := &stateWriter{file: e.State, save: save, source: e.Module.SpiceSource}
	switches := e.maintenanceSwitches(plan, step)
	for _, m := range switches {
		step.held[m.change.ResourceAddr] = true
	}
	var diags hcl.Diagnostics
	for _, m := range switches {
		if d := m.switchOn(ctx, e, w); d.HasErrors() {
			return append(diags, d...)
		}
	}
	e.rollout = step
	diags = append(diags, e.Apply(ctx, rolloutPlan(plan, step), save)...)
	if diags.HasErrors() {
		return diags
	}
	if d := e.healthGate(ctx, plan, step); d.HasErrors() {
		return append(diags, d...)
	}
	return append(diags, e.restoreMaintenance(ctx, switches, w)...)
}

// maintenanceSwitch is one spice_maintenance_mode instance a batch
// switches on around its changes.
type maintenanceSwitch struct {
	change  *Change
	current cty.Value // as on the host now
	private []byte
}

// maintenanceSwitches are the maintenance modes of a step's hosts that
// exist and are off. A resource with an instance to create, delete or
// replace is applied as planned instead, without switching.
func (e *Engine) maintenanceSwitches(plan *Plan, s *rolloutStep) []*maintenanceSwitch {
	byResource := map[string][]*Change{}
	var resources []string
	for _, c := range plan.Changes {
		if c.Type != maintenanceType || c.Mode != config.Managed || !s.providers[c.ProviderKey] {
			continue
		}
		if _, ok := byResource[c.ResourceAddr]; !ok {
			resources = append(resources, c.ResourceAddr)
		}
		byResource[c.ResourceAddr] = append(byResource[c.ResourceAddr], c)
	}
	sort.Strings(resources)
	var out []*maintenanceSwitch
	for _, addr := range resources {
		n := e.nodes[addr]
		ok := n != nil
		for _, c := range byResource[addr] {
			ok = ok && (c.Action == NoOp || c.Action == Update) && !c.Before.IsNull()
		}
		if !ok {
			continue
		}
		for _, c := range byResource[addr] {
			out = append(out, &maintenanceSwitch{change: c, current: c.Before, private: c.PriorPrivate})
		}
	}
	return out
}

// switchOn turns a maintenance mode on unless it already is.
func (m *maintenanceSwitch) switchOn(ctx context.Context, e *Engine, w *stateWriter) hcl.Diagnostics {
	if on := m.current.GetAttr("enabled"); on.IsKnown() && !on.IsNull() && on.True() {
		return nil
	}
	return m.apply(ctx, e, w, cty.True)
}

// apply converges one maintenance mode on its configuration, with enabled
// set to the given value (or as configured, with cty.NilVal), from the
// value it has now; it records the result in state.
func (m *maintenanceSwitch) apply(ctx context.Context, e *Engine, w *stateWriter, enabled cty.Value) hcl.Diagnostics {
	c := m.change
	r := e.nodes[c.ResourceAddr].res
	inst, diags := e.instanceVarsOf(r, c.Key)
	if diags.HasErrors() {
		return diags
	}
	cfg, body, d := e.instanceConfig(r, c.Schema, inst)
	if diags = append(diags, d...); diags.HasErrors() {
		return diags
	}
	cfg, _ = cfg.UnmarkDeep()
	if enabled != cty.NilVal {
		attrs := cfg.AsValueMap()
		attrs["enabled"] = enabled
		cfg = cty.ObjectVal(attrs)
	}
	server := e.server(c.ProviderKey)
	planned, _, private, d := e.planChange(ctx, server, r.Type, c.Schema, m.current, cfg, m.private, e.subjectFunc(r, c.Schema, body), c.Addr)
	if diags = append(diags, d...); diags.HasErrors() {
		return diags
	}
	if planned.Equals(m.current).True() {
		return diags
	}
	op := e.begin(c.Addr, opModify, m.current)
	newVal, newPrivate, d := e.applyChange(ctx, server, c, m.current, planned, cfg, private)
	op.end()
	diags = append(diags, d...)
	if !newVal.IsNull() {
		m.current, m.private = newVal, newPrivate
		w.set(c, newVal, newPrivate, c.Sensitive)
	}
	if diags = append(diags, w.flush()...); diags.HasErrors() {
		return diags
	}
	op.complete(newVal)
	return diags
}

// restoreMaintenance gives the switched maintenance modes their
// configured values, and references to them those values.
func (e *Engine) restoreMaintenance(ctx context.Context, switches []*maintenanceSwitch, w *stateWriter) hcl.Diagnostics {
	var diags hcl.Diagnostics
	byResource := map[string][]*maintenanceSwitch{}
	for _, m := range switches {
		if diags = append(diags, m.apply(ctx, e, w, cty.NilVal)...); diags.HasErrors() {
			return diags
		}
		byResource[m.change.ResourceAddr] = append(byResource[m.change.ResourceAddr], m)
	}
	for addr, ms := range byResource {
		r := e.nodes[addr].res
		sort.Slice(ms, func(i, j int) bool { return keyLess(ms[i].change.Key, ms[j].change.Key) })
		keys := make([]cty.Value, len(ms))
		values := make([]cty.Value, len(ms))
		for i, m := range ms {
			keys[i], values[i] = m.change.Key, markSensitive(m.current, m.change.Sensitive)
		}
		e.scopeFor(r).setResource(r.LocalAddress(), aggregate(r, keys, values))
	}
	return diags
}

// instanceVarsOf is count.index or each.* of one instance of r.
func (e *Engine) instanceVarsOf(r *config.Resource, key cty.Value) (instanceVars, hcl.Diagnostics) {
	keys, vars, diags := e.expand(r)
	if diags.HasErrors() {
		return nil, diags
	}
	for i, k := range keys {
		if keyString(k) == keyString(key) {
			return vars[i], diags
		}
	}
	return nil, append(diags, sourceless("Instance disappeared", fmt.Sprintf("%s no longer has key %s", r.Address(), keyString(key))))
}

// serviceType is the resource whose health checks gate each host.
const serviceType = "spice_service"

// healthGate asks the health check of every running spice_service on a
// step's hosts once, from the host itself, as the spice_http_check data
// source does: a service that broke another while restarting, or one the
// changes did not restart, stops the rollout too. Hosts managed as an
// image (provider root set) run nothing and are not asked.
func (e *Engine) healthGate(ctx context.Context, plan *Plan, s *rolloutStep) hcl.Diagnostics {
	var diags hcl.Diagnostics
	checked := map[string]int{}
	for _, c := range plan.Changes {
		if c.Type != serviceType || c.Mode != config.Managed || !s.providers[c.ProviderKey] || c.After.IsNull() || e.isImage(c.ProviderKey) {
			continue
		}
		hc, st := c.After.GetAttr("health_check"), c.After.GetAttr("state")
		if hc.IsNull() || !hc.IsWhollyKnown() || (st.IsKnown() && !st.IsNull() && st.AsString() == "stopped") {
			continue
		}
		healthy, detail, err := e.probe(ctx, c.ProviderKey, hc)
		switch {
		case err != nil:
			diags = append(diags, sourceless("Health gate failed", fmt.Sprintf("%s on %s: %s", c.Addr, c.ProviderKey, err)))
		case !healthy:
			diags = append(diags, sourceless("Health gate failed", fmt.Sprintf("%s on %s is not healthy after the update: %s", c.Addr, c.ProviderKey, detail)))
		default:
			checked[c.ProviderKey]++
		}
	}
	keys := make([]string, 0, len(checked))
	for k := range checked {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e.progress("%s: health gate passed (%d services healthy)", k, checked[k])
	}
	return diags
}

// probe makes one request of a service's health_check through the host's
// provider; detail says what answered when it is not healthy.
func (e *Engine) probe(ctx context.Context, providerKey string, hc cty.Value) (bool, string, error) {
	schema := e.Schemas.DataSources["spice_http_check"]
	if schema == nil {
		return false, "", fmt.Errorf("the provider has no data source spice_http_check")
	}
	attrs := map[string]cty.Value{}
	for name, ty := range schema.Type.AttributeTypes() {
		attrs[name] = cty.NullVal(ty)
	}
	for _, name := range []string{"url", "expect_status", "timeout"} {
		if hc.Type().HasAttribute(name) {
			attrs[name] = hc.GetAttr(name)
		}
	}
	got, err := e.ReadData(ctx, providerKey, "spice_http_check", cty.ObjectVal(attrs))
	if err != nil {
		return false, "", err
	}
	if h := got.GetAttr("healthy"); !h.IsNull() && h.True() {
		return true, "", nil
	}
	status, _ := got.GetAttr("status").AsBigFloat().Int64()
	detail := fmt.Sprintf("%s answered %d", hc.GetAttr("url").AsString(), status)
	if msg := got.GetAttr("error"); !msg.IsNull() && msg.AsString() != "" {
		detail += " (" + msg.AsString() + ")"
	}
	return false, detail, nil
}
