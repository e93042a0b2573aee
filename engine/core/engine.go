// Package core evaluates a loaded module against the provider, in process,
// over the plugin protocol: it builds the dependency graph, refreshes,
// plans with PlanResourceChange and applies with ApplyResourceChange, and
// keeps the state.
package core

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// Action is a planned change, named as Terraform names them in JSON plans.
type Action string

const (
	NoOp             Action = "no-op"
	Create           Action = "create"
	Read             Action = "read"
	Update           Action = "update"
	Delete           Action = "delete"
	DeleteThenCreate Action = "delete-create"
	CreateThenDelete Action = "create-delete"
)

// IsReplace reports a replacement in either order.
func (a Action) IsReplace() bool { return a == DeleteThenCreate || a == CreateThenDelete }

// Change is the plan for one resource instance.
type Change struct {
	Addr         string // instance address, e.g. spice_file.x[0]
	ResourceAddr string
	Module       string // "" or module.NAME
	Mode         string
	Type         string
	Name         string
	Key          cty.Value // cty.NilVal without count or for_each
	ProviderKey  string
	Action       Action
	Before       cty.Value
	After        cty.Value
	Sensitive    []cty.Path
	ReplacePaths []cty.Path
	PriorPrivate []byte
	Private      []byte
	Deps         []string
	Schema       *Schema
	// ImportID is set when the plan adopts an existing object (import
	// block): it enters state on apply.
	ImportID string
}

// Drift is an object that changed outside spice, found by refresh.
type Drift struct {
	Addr      string
	Type      string
	Before    cty.Value
	After     cty.Value // null when deleted
	Sensitive []cty.Path
}

// OutputValue is a planned or applied output.
type OutputValue struct {
	Value     cty.Value
	Sensitive bool
}

// Plan is the outcome of planning.
type Plan struct {
	Changes []*Change
	Drift   []*Drift
	Outputs map[string]OutputValue
	Destroy bool
	// Lineage and Serial of the state the plan was made against.
	Lineage string
	Serial  uint64
	// Unreachable lists provider configurations (hosts) that failed; when
	// they are the only errors, the plan is complete for every other host
	// and Partial is set: a fleet converges what it can reach.
	Unreachable []string
	Partial     bool
}

// HasChanges reports whether applying the plan would change anything.
func (p *Plan) HasChanges() bool {
	for _, c := range p.Changes {
		if (c.Action != NoOp && c.Action != Read) || c.ImportID != "" {
			return true
		}
	}
	return false
}

// Engine plans and applies one module.
type Engine struct {
	Module      *config.Module
	Vars        map[string]cty.Value
	State       *state.File
	Factory     Factory
	Schemas     *Schemas
	Parallelism int
	Refresh     bool
	// Progress receives per-resource lines ("spice_file.x: Creating...").
	Progress func(string)

	scope   *scope            // the root module's
	scopes  map[string]*scope // by module path
	nodes   map[string]*node
	mu      sync.Mutex
	servers map[string]tfprotov6.ProviderServer
	graph   *graph
}

func (e *Engine) progress(format string, args ...any) {
	if e.Progress != nil {
		e.Progress(fmt.Sprintf(format, args...))
	}
}

// node is what one graph node evaluates.
type node struct {
	kind  string // local, provider, call, output, check, resource
	sc    *scope // the module the node belongs to
	name  string
	res   *config.Resource
	call  *config.ModuleCall
	check *config.Check
}

// scopeFor is the scope of the module declaring r.
func (e *Engine) scopeFor(r *config.Resource) *scope { return e.scopes[r.ModulePath] }

// prepare builds a scope per module and the dependency graph of all of
// them.
func (e *Engine) prepare() hcl.Diagnostics {
	e.scope = newScope(e.Module, e.Vars)
	e.scopes = map[string]*scope{"": e.scope}
	e.nodes = map[string]*node{}
	e.servers = map[string]tfprotov6.ProviderServer{}
	g := newGraph()
	var diags hcl.Diagnostics
	providerKeys := map[string]bool{}
	for key := range e.Module.Providers {
		providerKeys[key] = true
	}
	diags = append(diags, e.prepareModule(g, e.scope, nil, providerKeys)...)
	if e.State != nil {
		for _, sr := range e.State.Resources {
			if key, err := providerKeyFromAddress(sr.Provider); err == nil {
				providerKeys[key] = true
			}
		}
	}
	for key := range providerKeys {
		var trs []hcl.Traversal
		if p, ok := e.Module.Providers[key]; ok {
			trs = dynblock.VariablesHCLDec(p.Config, e.Schemas.Provider.Spec)
		}
		name := "provider." + key
		e.nodes[name] = &node{kind: "provider", sc: e.scope, name: key}
		g.add(name, e.refsTo(e.scope, trs, false, &diags)...)
	}
	for _, imp := range e.Module.Imports {
		if r := e.scope.resource(resourceOf(imp.To)); r == nil || r.Mode != "managed" {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Import to an undeclared resource",
				Detail: fmt.Sprintf("import target %s has no resource block; declare it first.", imp.To), Subject: imp.ToRange.Ptr()})
		}
	}
	if _, err := g.order(); err != nil {
		d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cycle in configuration", Detail: err.Error()}
		var cycle *cycleError
		if errors.As(err, &cycle) {
			for _, member := range cycle.members {
				if n := e.nodes[member]; n != nil && n.res != nil {
					d.Subject = n.res.DeclRange.Ptr()
					break
				}
			}
		}
		diags = append(diags, d)
	}
	e.graph = g
	return diags
}

func (e *Engine) refsTo(sc *scope, trs []hcl.Traversal, inResource bool, diags *hcl.Diagnostics) []string {
	var nodes []string
	for _, tr := range trs {
		n, d := sc.refNode(tr, inResource)
		if d != nil {
			*diags = append(*diags, d)
			continue
		}
		nodes = append(nodes, n)
	}
	return nodes
}

// prepareModule adds a module's nodes to the graph, then its children's.
// providerMap maps this module's provider keys to the root's.
func (e *Engine) prepareModule(g *graph, sc *scope, providerMap map[string]string, providerKeys map[string]bool) hcl.Diagnostics {
	var diags hcl.Diagnostics
	m := sc.module
	rootKey := func(k string) string {
		if v, ok := providerMap[k]; ok {
			return v
		}
		return k
	}
	for name, l := range m.Locals {
		id := sc.prefix + "local." + name
		e.nodes[id] = &node{kind: "local", sc: sc, name: name}
		g.add(id, e.refsTo(sc, l.Expr.Variables(), false, &diags)...)
	}
	for _, r := range m.Resources {
		r.ProviderKey = rootKey(r.ProviderKey)
		providerKeys[r.ProviderKey] = true
		if _, declared := e.Module.Providers[r.ProviderKey]; !declared && r.ProviderKey != "spice" {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Provider configuration not present",
				Detail: fmt.Sprintf("%s uses provider %s, which has no provider block.", r.Address(), r.ProviderKey), Subject: r.DeclRange.Ptr()})
			continue
		}
		schema := e.schemaFor(r.Mode, r.Type)
		if schema == nil {
			kind := "resource type"
			if r.Mode == "data" {
				kind = "data source"
			}
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid " + kind,
				Detail: fmt.Sprintf("The spice provider does not support %s %q.", kind, r.Type), Subject: r.DeclRange.Ptr()})
			continue
		}
		var trs []hcl.Traversal
		if r.Count != nil {
			trs = append(trs, r.Count.Variables()...)
		}
		if r.ForEach != nil {
			trs = append(trs, r.ForEach.Variables()...)
		}
		trs = append(trs, dynblock.VariablesHCLDec(r.Config, schema.Spec)...)
		deps := e.refsTo(sc, trs, r.Count != nil || r.ForEach != nil, &diags)
		deps = append(deps, e.refsTo(sc, r.DependsOn, false, &diags)...)
		for _, a := range append(append([]*config.Assertion{}, r.Lifecycle.Preconditions...), r.Lifecycle.Postconditions...) {
			for _, tr := range append(a.Condition.Variables(), a.ErrorMessage.Variables()...) {
				n, d := sc.refNodeSelf(tr, r.Count != nil || r.ForEach != nil, true)
				if d != nil {
					diags = append(diags, d)
				} else if n != r.Address() {
					deps = append(deps, n)
				}
			}
		}
		if sc.prefix == "" {
			for _, imp := range m.Imports {
				if resourceOf(imp.To) == r.Address() {
					deps = append(deps, e.refsTo(sc, imp.ID.Variables(), false, &diags)...)
				}
			}
		}
		if sc.callNode != "" {
			deps = append(deps, sc.callNode) // the module's depends_on
		}
		e.nodes[r.Address()] = &node{kind: "resource", sc: sc, res: r}
		g.add(r.Address(), append(deps, "provider."+r.ProviderKey)...)
	}
	for name, o := range m.Outputs {
		id := sc.prefix + "output." + name
		e.nodes[id] = &node{kind: "output", sc: sc, name: name}
		g.add(id, e.refsTo(sc, o.Expr.Variables(), false, &diags)...)
	}
	for i, c := range m.Checks {
		var trs []hcl.Traversal
		for _, a := range c.Asserts {
			trs = append(trs, a.Condition.Variables()...)
			trs = append(trs, a.ErrorMessage.Variables()...)
		}
		id := fmt.Sprintf("%scheck.%d", sc.prefix, i)
		e.nodes[id] = &node{kind: "check", sc: sc, check: c}
		g.add(id, e.refsTo(sc, trs, false, &diags)...)
	}
	for _, call := range m.Calls {
		if call.Module == nil {
			continue
		}
		child := newScope(call.Module, nil)
		child.callNode = sc.prefix + "module." + call.Name
		e.scopes[call.Module.Path] = child
		var trs []hcl.Traversal
		for _, a := range call.Args {
			trs = append(trs, a.Expr.Variables()...)
		}
		deps := e.refsTo(sc, trs, false, &diags)
		deps = append(deps, e.refsTo(sc, call.DependsOn, false, &diags)...)
		if sc.callNode != "" {
			deps = append(deps, sc.callNode)
		}
		e.nodes[child.callNode] = &node{kind: "call", sc: sc, call: call}
		g.add(child.callNode, deps...)
		childMap := map[string]string{}
		for k := range e.Module.Providers {
			childMap[k] = rootKey(k)
		}
		childMap["spice"] = rootKey("spice")
		for childKey, parentKey := range call.Providers {
			childMap[childKey] = rootKey(parentKey)
		}
		diags = append(diags, e.prepareModule(g, child, childMap, providerKeys)...)
	}
	return diags
}

// evalCall evaluates a module call's arguments into the child's variables.
func (e *Engine) evalCall(n *node) hcl.Diagnostics {
	call := n.call
	child := e.scopes[call.Module.Path]
	var diags hcl.Diagnostics
	for name := range call.Args {
		if _, ok := call.Module.Variables[name]; !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unsupported argument",
				Detail: fmt.Sprintf("module %q has no variable %q.", call.Name, name), Subject: call.Args[name].Range.Ptr()})
		}
	}
	for name, v := range call.Module.Variables {
		attr, given := call.Args[name]
		var val cty.Value
		switch {
		case given:
			raw, d := attr.Expr.Value(n.sc.evalContext(attr.Expr.Variables(), nil))
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			conv, err := config.ConvertVariable(v, raw)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for module argument",
					Detail: fmt.Sprintf("module %q, variable %q: %s", call.Name, name, err), Subject: attr.Expr.Range().Ptr()})
				continue
			}
			val = conv
		case v.Default != cty.NilVal:
			val = v.Default
		default:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing required argument",
				Detail: fmt.Sprintf("module %q needs variable %q.", call.Name, name), Subject: call.DeclRange.Ptr()})
			continue
		}
		if v.Sensitive {
			val = val.Mark(funcs.Sensitive)
		}
		child.setVar(name, val)
	}
	return diags
}

func (e *Engine) schemaFor(mode, typ string) *Schema {
	if mode == "data" {
		return e.Schemas.DataSources[typ]
	}
	return e.Schemas.Resources[typ]
}

// Validate checks the configuration statically and with the provider's
// validators, without configuring providers or touching any host.
func (e *Engine) Validate(ctx context.Context) hcl.Diagnostics {
	diags := e.prepare()
	if diags.HasErrors() {
		return diags
	}
	server := e.Factory()
	for _, r := range e.Module.Resources {
		schema := e.schemaFor(r.Mode, r.Type)
		evalCtx := e.scopeFor(r).evalContext(nil, unknownInstanceVars(r))
		e.unknownReferences(evalCtx)
		body := dynblock.Expand(r.Config, evalCtx)
		val, d := schema.Decode(body, evalCtx)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		diags = append(diags, e.validateResource(ctx, server, r, schema, body, val)...)
	}
	return diags
}

// unknownReferences fills the validation context with unknown values for
// every resource, local and data source, so that expressions type-check
// without anything being evaluated for real.
func (e *Engine) unknownReferences(ctx *hcl.EvalContext) {
	types := map[string]map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	for _, r := range e.Module.Resources {
		s := e.schemaFor(r.Mode, r.Type)
		if s == nil {
			continue
		}
		v := cty.UnknownVal(cty.DynamicPseudoType)
		if r.Count == nil && r.ForEach == nil {
			v = cty.UnknownVal(s.Type)
		}
		target := types
		if r.Mode == "data" {
			target = data
		}
		if target[r.Type] == nil {
			target[r.Type] = map[string]cty.Value{}
		}
		target[r.Type][r.Name] = v
	}
	for typ, byName := range types {
		ctx.Variables[typ] = cty.ObjectVal(byName)
	}
	dataObj := map[string]cty.Value{}
	for typ, byName := range data {
		dataObj[typ] = cty.ObjectVal(byName)
	}
	ctx.Variables["data"] = cty.ObjectVal(dataObj)
	locals := map[string]cty.Value{}
	for name := range e.Module.Locals {
		locals[name] = cty.DynamicVal
	}
	ctx.Variables["local"] = cty.ObjectVal(locals)
}

func unknownInstanceVars(r *config.Resource) instanceVars {
	switch {
	case r.Count != nil:
		return instanceVars{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)})}
	case r.ForEach != nil:
		return instanceVars{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.UnknownVal(cty.String), "value": cty.DynamicVal})}
	}
	return nil
}

func (e *Engine) validateResource(ctx context.Context, server tfprotov6.ProviderServer, r *config.Resource, schema *Schema, body hcl.Body, val cty.Value) hcl.Diagnostics {
	cfg, err := encode(val, schema.Type)
	if err != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid configuration", Detail: fmt.Sprintf("%s: %s", r.Address(), err), Subject: r.DeclRange.Ptr()}}
	}
	subject := e.subjectFunc(r, schema, body)
	if r.Mode == "data" {
		resp, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: r.Type, Config: cfg})
		if err != nil {
			return hcl.Diagnostics{transportDiag(r, err)}
		}
		return protoDiags(resp.Diagnostics, subject, r.Address())
	}
	resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: r.Type, Config: cfg})
	if err != nil {
		return hcl.Diagnostics{transportDiag(r, err)}
	}
	return protoDiags(resp.Diagnostics, subject, r.Address())
}

func transportDiag(r *config.Resource, err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Provider error", Detail: fmt.Sprintf("%s: %s", r.Address(), err), Subject: r.DeclRange.Ptr()}
}

// subjectFunc points provider diagnostics at the attribute they name.
func (e *Engine) subjectFunc(r *config.Resource, schema *Schema, body hcl.Body) func(*tftypes.AttributePath) *hcl.Range {
	return func(p *tftypes.AttributePath) *hcl.Range {
		if p != nil && len(p.Steps()) > 0 && body != nil {
			if name, ok := p.Steps()[0].(tftypes.AttributeName); ok {
				if spec, ok := schema.Spec.(hcldec.ObjectSpec)[string(name)]; ok {
					if rng := hcldec.SourceRange(body, spec); rng.Filename != "" {
						return &rng
					}
				}
			}
		}
		return r.DeclRange.Ptr()
	}
}

// Plan refreshes state and plans every resource. With destroy, every
// object in state is planned for deletion.
func (e *Engine) Plan(ctx context.Context, destroy bool) (*Plan, hcl.Diagnostics) {
	diags := e.prepare()
	if diags.HasErrors() {
		return nil, diags
	}
	plan := &Plan{Outputs: map[string]OutputValue{}, Destroy: destroy, Lineage: e.State.Lineage, Serial: e.State.Serial}
	var mu sync.Mutex
	providerErrors := 0
	addChanges := func(cs []*Change, ds []*Drift) {
		mu.Lock()
		plan.Changes = append(plan.Changes, cs...)
		plan.Drift = append(plan.Drift, ds...)
		mu.Unlock()
	}
	diags = append(diags, e.graph.walk(ctx, e.Parallelism, func(id string) hcl.Diagnostics {
		n := e.nodes[id]
		switch n.kind {
		case "local":
			return e.evalLocal(n)
		case "provider":
			d := e.configureProvider(ctx, n.name)
			if d.HasErrors() {
				mu.Lock()
				plan.Unreachable = append(plan.Unreachable, n.name)
				providerErrors += len(d.Errs())
				mu.Unlock()
			}
			return d
		case "call":
			return e.evalCall(n)
		case "check":
			if destroy {
				return nil
			}
			return e.evalCheck(n)
		case "output":
			if destroy {
				return nil
			}
			v, d := e.evalOutput(n)
			if n.sc.prefix == "" {
				mu.Lock()
				plan.Outputs[n.name] = v
				mu.Unlock()
			}
			return d
		default:
			cs, ds, d := e.planResource(ctx, n.res, destroy)
			addChanges(cs, ds)
			return d
		}
	})...)
	if diags.HasErrors() {
		plan.Partial = providerErrors == len(diags.Errs())
		sort.Strings(plan.Unreachable)
		sort.Slice(plan.Changes, func(i, j int) bool { return plan.Changes[i].Addr < plan.Changes[j].Addr })
		return plan, diags
	}
	cs, ds, d := e.planOrphans(ctx)
	addChanges(cs, ds)
	diags = append(diags, d...)
	sort.Slice(plan.Changes, func(i, j int) bool { return plan.Changes[i].Addr < plan.Changes[j].Addr })
	sort.Slice(plan.Drift, func(i, j int) bool { return plan.Drift[i].Addr < plan.Drift[j].Addr })
	return plan, diags
}

func (e *Engine) evalLocal(n *node) hcl.Diagnostics {
	l := n.sc.module.Locals[n.name]
	v, diags := l.Expr.Value(n.sc.evalContext(l.Expr.Variables(), nil))
	n.sc.setLocal(n.name, v)
	return diags
}

// evalOutput evaluates an output. A child module's output becomes
// module.NAME.OUTPUT in its caller, marks and all.
func (e *Engine) evalOutput(n *node) (OutputValue, hcl.Diagnostics) {
	o := n.sc.module.Outputs[n.name]
	v, diags := o.Expr.Value(n.sc.evalContext(o.Expr.Variables(), nil))
	if diags.HasErrors() {
		return OutputValue{}, diags
	}
	if v.ContainsMarked() && !o.Sensitive {
		return OutputValue{}, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Output refers to sensitive values",
			Detail: fmt.Sprintf("output %q would show a sensitive value; set sensitive = true on it.", n.name), Subject: o.DeclRange.Ptr()}}
	}
	if n.sc.callNode != "" {
		if o.Sensitive {
			v = v.Mark(funcs.Sensitive)
		}
		parent, call := e.callerOf(n.sc)
		parent.setChildOutput(call, n.name, v)
	}
	v, _ = v.UnmarkDeep()
	return OutputValue{Value: v, Sensitive: o.Sensitive}, nil
}

// callerOf finds the scope calling a child module and the call's name.
func (e *Engine) callerOf(child *scope) (*scope, string) {
	n := e.nodes[child.callNode]
	return n.sc, n.call.Name
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
	if !val.IsWhollyKnown() {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Provider configuration not yet known",
			Detail: fmt.Sprintf("provider %s depends on values known only after apply.", key), Subject: rng.Ptr()}}
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
	return nil
}

func (e *Engine) server(key string) tfprotov6.ProviderServer {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.servers[key]
}

// priorInstance is one refreshed instance from state.
type priorInstance struct {
	key     cty.Value
	value   cty.Value
	private []byte
	deps    []string
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
	addr := instanceAddr(sr.Module, sr.Mode, sr.Type, sr.Name, key)
	fail := func(summary, detail string) (*priorInstance, *Drift, hcl.Diagnostics) {
		return nil, nil, hcl.Diagnostics{sourceless(summary, addr+": "+detail)}
	}
	v, err := e.upgrade(ctx, server, sr.Type, schema, inst)
	if err != nil {
		return fail("Cannot read state", err.Error())
	}
	prior := &priorInstance{key: key, value: v, private: inst.Private, deps: inst.Dependencies}
	if !e.Refresh || sr.Mode != "managed" {
		return prior, nil, nil
	}
	e.progress("%s: Refreshing state...%s", addr, idSuffix(v))
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
	nv, err := decode(rr.NewState, schema.Type)
	if err != nil {
		return fail("Provider error", err.Error())
	}
	var drift *Drift
	if eq := nv.Equals(v); !eq.IsKnown() || eq.False() {
		drift = &Drift{Addr: addr, Type: sr.Type, Before: v, After: nv, Sensitive: statePaths(schema, inst.SensitiveAttributes)}
	}
	prior.value, prior.private = nv, rr.Private
	return prior, drift, nil
}

// upgrade turns stored attributes into a value of the current schema. State
// written with the current schema version decodes directly; anything else
// (an older version, attributes the schema no longer has) goes through the
// provider's UpgradeResourceState, as Terraform always does.
func (e *Engine) upgrade(ctx context.Context, server tfprotov6.ProviderServer, typ string, schema *Schema, inst state.Instance) (cty.Value, error) {
	if inst.SchemaVersion == schema.Proto.Version {
		if v, err := ctyjson.Unmarshal(inst.Attributes, schema.Type); err == nil {
			return v, nil
		}
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

// parallel runs fn for 0..n-1, at most limit at a time.
func parallel(n, limit int, fn func(i int)) {
	if limit < 1 {
		limit = 1
	}
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			fn(i)
		}(i)
	}
	wg.Wait()
}

func sourceless(summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail}
}

func idSuffix(v cty.Value) string {
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute("id") {
		return ""
	}
	id := v.GetAttr("id")
	if id.IsNull() || !id.IsKnown() || id.Type() != cty.String {
		return ""
	}
	return " [id=" + id.AsString() + "]"
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
func (e *Engine) planResource(ctx context.Context, r *config.Resource, destroy bool) ([]*Change, []*Drift, hcl.Diagnostics) {
	schema := e.schemaFor(r.Mode, r.Type)
	server := e.server(r.ProviderKey)
	if r.Mode == "data" {
		if destroy {
			return nil, nil, nil // data sources are simply forgotten
		}
		return e.planData(ctx, r, schema, server)
	}
	priors, drift, diags := e.refreshResource(ctx, e.State.FindIn(r.ModulePath, r.Mode, r.Type, r.Name), schema, server)
	if diags.HasErrors() {
		return nil, drift, diags
	}
	var changes []*Change
	if destroy {
		for _, p := range sortedPriors(priors) {
			changes = append(changes, e.deleteChange(r.ModulePath, r.Mode, r.Type, r.Name, r.ProviderKey, p, schema))
		}
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
		planned[i], diagsOf[i] = e.planInstance(ctx, r, schema, server, keys[i], vars[i], instPriors[i], deps)
	})
	afters := make([]cty.Value, len(keys))
	for i, c := range planned {
		diags = append(diags, diagsOf[i]...)
		if c == nil {
			continue
		}
		c.ImportID = imported[keyString(c.Key)]
		changes = append(changes, c)
		afters[i] = c.After.MarkWithPaths(markPaths(c.Sensitive))
	}
	if diags.HasErrors() {
		return nil, drift, diags
	}
	for _, p := range sortedPriors(priors) {
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
	changes := make([]*Change, len(keys))
	afters := make([]cty.Value, len(keys))
	for i, key := range keys {
		c, d := e.readData(ctx, r, schema, server, key, vars[i], false)
		diags = append(diags, d...)
		if d.HasErrors() {
			return nil, nil, diags
		}
		changes[i] = c
		afters[i] = c.After.MarkWithPaths(markPaths(c.Sensitive))
	}
	e.scopeFor(r).setResource(r.LocalAddress(), aggregate(r, keys, afters))
	return changes, nil, diags
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
	cfg, marks := cfg.UnmarkDeepWithPaths()
	c := &Change{Addr: addr, ResourceAddr: r.Address(), Module: r.ModulePath, Mode: r.Mode, Type: r.Type, Name: r.Name, Key: key,
		ProviderKey: r.ProviderKey, Deps: e.graph.deps[r.Address()], Schema: schema, Sensitive: unionPaths(schema.Sensitive, marks),
		Before: cty.NullVal(schema.Type)}
	if !cfg.IsWhollyKnown() {
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
	e.progress("%s: Reading...", addr)
	resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: r.Type, Config: dv})
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

func (e *Engine) deleteChange(module, mode, typ, name, providerKey string, p *priorInstance, schema *Schema) *Change {
	resAddr := resourceAddr(mode, typ, name)
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
	if d := e.checkConditions(e.scopeFor(r), r.Lifecycle.Preconditions, inst, cty.NilVal, "Resource precondition failed"); d.HasErrors() {
		return nil, append(diags, d...)
	}
	// Validated per instance, as Terraform does while planning: values
	// that depend on count.index or each.key are known here.
	if d := e.validateResource(ctx, server, r, schema, body, cfg); d.HasErrors() {
		return nil, append(diags, d...)
	}
	cfg, marks := cfg.UnmarkDeepWithPaths()
	c := &Change{Addr: addr, ResourceAddr: r.Address(), Module: r.ModulePath, Mode: r.Mode, Type: r.Type, Name: r.Name, Key: key, ProviderKey: r.ProviderKey,
		Deps: deps, Schema: schema, Sensitive: unionPaths(schema.Sensitive, marks)}
	priorVal := cty.NullVal(schema.Type)
	if prior != nil {
		priorVal, c.PriorPrivate = prior.value, prior.private
		cfg = ignoreChanges(r, cfg, priorVal)
	}
	c.Before = priorVal
	subject := e.subjectFunc(r, schema, body)
	planned, requiresReplace, private, d := e.planChange(ctx, server, r.Type, schema, priorVal, cfg, c.PriorPrivate, subject, addr)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, diags
	}
	switch {
	case prior == nil:
		c.Action = Create
	case len(requiresReplace) > 0:
		c.Action = DeleteThenCreate
		if r.Lifecycle.CreateBeforeDestroy {
			c.Action = CreateThenDelete
		}
		c.ReplacePaths = requiresReplace
		planned, _, private, d = e.planChange(ctx, server, r.Type, schema, cty.NullVal(schema.Type), cfg, nil, subject, addr)
		diags = append(diags, d...)
		if d.HasErrors() {
			return nil, diags
		}
	default:
		c.Action = Update
		if eq := planned.Equals(priorVal); eq.IsKnown() && eq.True() {
			c.Action = NoOp
		}
	}
	c.After, c.Private = planned, private
	if planned.IsWhollyKnown() {
		diags = append(diags, e.checkConditions(e.scopeFor(r), r.Lifecycle.Postconditions, inst, planned, "Resource postcondition failed")...)
	}
	return c, diags
}

// planChange calls PlanResourceChange with Terraform's proposed new state.
func (e *Engine) planChange(ctx context.Context, server tfprotov6.ProviderServer, typ string, schema *Schema, prior, cfg cty.Value, priorPrivate []byte, subject func(*tftypes.AttributePath) *hcl.Range, addr string) (cty.Value, []cty.Path, []byte, hcl.Diagnostics) {
	proposed := proposedNew(schema.Proto.Block, prior, cfg)
	priorDV, err1 := encode(prior, schema.Type)
	proposedDV, err2 := encode(proposed, schema.Type)
	cfgDV, err3 := encode(cfg, schema.Type)
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return cty.NilVal, nil, nil, hcl.Diagnostics{sourceless("Cannot plan "+addr, err.Error())}
		}
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
func (e *Engine) planOrphans(ctx context.Context) ([]*Change, []*Drift, hcl.Diagnostics) {
	var changes []*Change
	var drift []*Drift
	var diags hcl.Diagnostics
	for i := range e.State.Resources {
		sr := &e.State.Resources[i]
		if sc := e.scopes[sr.Module]; sc != nil && sc.resource(resourceAddr(sr.Mode, sr.Type, sr.Name)) != nil {
			continue
		}
		schema := e.schemaFor(sr.Mode, sr.Type)
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
		if sr.Mode == "data" {
			continue // data sources are simply forgotten
		}
		for _, p := range sortedPriors(priors) {
			changes = append(changes, e.deleteChange(sr.Module, sr.Mode, sr.Type, sr.Name, key, p, schema))
		}
	}
	return changes, drift, diags
}

// Apply carries out a plan: deletions in reverse dependency order, then
// creations and updates in dependency order (each re-planned with the
// values now known), saving state after every resource instance.
func (e *Engine) Apply(ctx context.Context, plan *Plan, save func(*state.File) error) hcl.Diagnostics {
	if e.graph == nil {
		if diags := e.prepare(); diags.HasErrors() {
			return diags
		}
	}
	w := &stateWriter{file: e.State, save: save}
	var diags hcl.Diagnostics

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
	if diags.HasErrors() || plan.Destroy {
		if plan.Destroy && !diags.HasErrors() {
			e.State.Outputs = map[string]state.Output{}
			diags = append(diags, w.flush()...)
		}
		return diags
	}

	// Creations and updates in the configuration's dependency order.
	changesOf := map[string][]*Change{}
	for _, c := range plan.Changes {
		if c.Action != Delete {
			changesOf[c.ResourceAddr] = append(changesOf[c.ResourceAddr], c)
		}
	}
	outputs := map[string]OutputValue{}
	var mu sync.Mutex
	diags = append(diags, e.graph.walk(ctx, e.Parallelism, func(id string) hcl.Diagnostics {
		n := e.nodes[id]
		switch n.kind {
		case "local":
			return e.evalLocal(n)
		case "provider":
			if e.server(n.name) != nil {
				return nil
			}
			return e.configureProvider(ctx, n.name)
		case "call":
			return e.evalCall(n)
		case "output":
			v, d := e.evalOutput(n)
			if n.sc.prefix == "" {
				mu.Lock()
				outputs[n.name] = v
				mu.Unlock()
			}
			return d
		case "check":
			return e.evalCheck(n)
		}
		return e.applyResource(ctx, n.res, changesOf[id], w)
	})...)
	if diags.HasErrors() {
		return diags
	}
	e.State.Outputs = map[string]state.Output{}
	for name, o := range outputs {
		out, err := stateOutput(o)
		if err != nil {
			diags = append(diags, sourceless("Cannot save output "+name, err.Error()))
			continue
		}
		e.State.Outputs[name] = out
	}
	return append(diags, w.flush()...)
}

func (e *Engine) applyDelete(ctx context.Context, c *Change, w *stateWriter) hcl.Diagnostics {
	server := e.server(c.ProviderKey)
	if server == nil {
		if d := e.configureProvider(ctx, c.ProviderKey); d.HasErrors() {
			return d
		}
		server = e.server(c.ProviderKey)
	}
	start := time.Now()
	e.progress("%s: Destroying...%s", c.Addr, idSuffix(c.Before))
	if _, _, d := e.applyChange(ctx, server, c, c.Before, cty.NullVal(c.Schema.Type), cty.NullVal(c.Schema.Type), c.PriorPrivate); d.HasErrors() {
		return d
	}
	w.remove(c)
	e.progress("%s: Destruction complete after %s", c.Addr, elapsed(start))
	return w.flush()
}

func elapsed(start time.Time) string {
	return time.Since(start).Round(time.Second).String()
}

func (e *Engine) applyResource(ctx context.Context, r *config.Resource, changes []*Change, w *stateWriter) hcl.Diagnostics {
	if r == nil {
		return nil
	}
	sort.Slice(changes, func(i, j int) bool { return keyLess(changes[i].Key, changes[j].Key) })
	afters := make([]cty.Value, len(changes))
	diagsOf := make([]hcl.Diagnostics, len(changes))
	// Instances of one resource are independent: apply them concurrently,
	// as Terraform does, within -parallelism.
	parallel(len(changes), e.Parallelism, func(i int) {
		afters[i], diagsOf[i] = e.applyInstance(ctx, r, changes[i], w)
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
func (e *Engine) applyInstance(ctx context.Context, r *config.Resource, c *Change, w *stateWriter) (cty.Value, hcl.Diagnostics) {
	server := e.server(r.ProviderKey)
	schema := e.schemaFor(r.Mode, r.Type)
	var inst instanceVars
	switch {
	case r.Count != nil:
		inst = instanceVars{"count": cty.ObjectVal(map[string]cty.Value{"index": c.Key})}
	case r.ForEach != nil:
		each, d := e.eachValue(r, c.Key)
		if d.HasErrors() {
			return cty.NilVal, d
		}
		inst = each
	}
	if r.Mode == "data" {
		if c.Action == Read {
			read, d := e.readData(ctx, r, schema, server, c.Key, inst, true)
			if d.HasErrors() {
				return cty.NilVal, d
			}
			c = read
		}
		w.set(c, c.After, nil, c.Sensitive)
		return c.After.MarkWithPaths(markPaths(c.Sensitive)), nil
	}
	if c.Action == NoOp {
		w.set(c, c.Before, c.PriorPrivate, c.Sensitive)
		return c.Before.MarkWithPaths(markPaths(c.Sensitive)), nil
	}
	cfg, body, diags := e.instanceConfig(r, schema, inst)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	cfg, marks := cfg.UnmarkDeepWithPaths()
	c.Sensitive = unionPaths(schema.Sensitive, marks)
	prior, priorPrivate := c.Before, c.PriorPrivate
	if c.Action.IsReplace() || c.Action == Create {
		prior, priorPrivate = cty.NullVal(schema.Type), nil
	} else {
		cfg = ignoreChanges(r, cfg, prior)
	}
	planned, _, private, d := e.planChange(ctx, server, r.Type, schema, prior, cfg, priorPrivate, e.subjectFunc(r, schema, body), c.Addr)
	diags = append(diags, d...)
	if d.HasErrors() {
		return cty.NilVal, diags
	}
	verb, done := "Modifying", "Modifications complete"
	if prior.IsNull() {
		verb, done = "Creating", "Creation complete"
	}
	start := time.Now()
	e.progress("%s: %s...%s", c.Addr, verb, idSuffix(c.Before))
	newVal, newPrivate, d := e.applyChange(ctx, server, c, prior, planned, cfg, private)
	diags = append(diags, d...)
	if d.HasErrors() {
		if !newVal.IsNull() {
			w.set(c, newVal, newPrivate, c.Sensitive) // keep what the provider reports it did
		}
		return cty.NilVal, append(diags, w.flush()...)
	}
	w.set(c, newVal, newPrivate, c.Sensitive)
	if d := w.flush(); d.HasErrors() {
		return cty.NilVal, append(diags, d...)
	}
	if d := e.checkConditions(e.scopeFor(r), r.Lifecycle.Postconditions, inst, newVal, "Resource postcondition failed"); d.HasErrors() {
		return cty.NilVal, append(diags, d...)
	}
	e.progress("%s: %s after %s%s", c.Addr, done, elapsed(start), idSuffix(newVal))
	if c.Action == CreateThenDelete {
		e.progress("%s (deposed): Destroying...", c.Addr)
		if _, _, d := e.applyChange(ctx, server, c, c.Before, cty.NullVal(schema.Type), cty.NullVal(schema.Type), c.PriorPrivate); d.HasErrors() {
			return cty.NilVal, append(diags, d...)
		}
	}
	return newVal.MarkWithPaths(markPaths(c.Sensitive)), diags
}

func (e *Engine) eachValue(r *config.Resource, key cty.Value) (instanceVars, hcl.Diagnostics) {
	keys, vars, diags := e.expand(r)
	if diags.HasErrors() {
		return nil, diags
	}
	for i, k := range keys {
		if k.Equals(key).True() {
			return vars[i], nil
		}
	}
	return nil, hcl.Diagnostics{sourceless("Instance disappeared", fmt.Sprintf("%s no longer has key %s", r.Address(), key.GoString()))}
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

func markPaths(paths []cty.Path) []cty.PathValueMarks {
	out := make([]cty.PathValueMarks, len(paths))
	for i, p := range paths {
		out[i] = cty.PathValueMarks{Path: p, Marks: cty.NewValueMarks(funcs.Sensitive)}
	}
	return out
}

// unionPaths merges schema-sensitive attribute paths with the paths where
// configuration values carried the sensitive mark.
func unionPaths(schemaPaths []cty.Path, marks []cty.PathValueMarks) []cty.Path {
	out := append([]cty.Path{}, schemaPaths...)
	for _, m := range marks {
		dup := false
		for _, p := range out {
			if p.Equals(m.Path) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, m.Path)
		}
	}
	return out
}

// resourceOf strips the instance key from an instance address.
func resourceOf(addr string) string {
	if i := strings.IndexByte(addr, '['); i >= 0 {
		return addr[:i]
	}
	return addr
}

// checkConditions evaluates preconditions or postconditions (with self
// set to the object) and reports each failed one with its message.
func (e *Engine) checkConditions(sc *scope, conds []*config.Assertion, inst instanceVars, self cty.Value, summary string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, a := range conds {
		vars := instanceVars{}
		for k, v := range inst {
			vars[k] = v
		}
		if self != cty.NilVal {
			vars["self"] = self
		}
		refs := append(a.Condition.Variables(), a.ErrorMessage.Variables()...)
		ctx := sc.evalContext(refs, vars)
		diags = append(diags, assertion(a, ctx, hcl.DiagError, summary)...)
	}
	return diags
}

// assertion evaluates one condition; a false one gives a diagnostic of the
// given severity carrying its error_message.
func assertion(a *config.Assertion, ctx *hcl.EvalContext, sev hcl.DiagnosticSeverity, summary string) hcl.Diagnostics {
	ok, diags := a.Condition.Value(ctx)
	if diags.HasErrors() {
		return diags
	}
	ok, _ = ok.UnmarkDeep()
	if !ok.IsKnown() || ok.IsNull() || ok.Type() != cty.Bool || ok.True() {
		return nil
	}
	msg := "condition is false"
	if m, d := a.ErrorMessage.Value(ctx); !d.HasErrors() && m.Type() == cty.String && m.IsKnown() && !m.IsNull() && !m.IsMarked() {
		msg = m.AsString()
	}
	return hcl.Diagnostics{{Severity: sev, Summary: summary, Detail: msg, Subject: a.Condition.Range().Ptr()}}
}

// evalCheck runs a check block's assertions: failures are warnings, as in
// Terraform, so they report without stopping anything.
func (e *Engine) evalCheck(n *node) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, a := range n.check.Asserts {
		refs := append(a.Condition.Variables(), a.ErrorMessage.Variables()...)
		diags = append(diags, assertion(a, n.sc.evalContext(refs, nil), hcl.DiagWarning, fmt.Sprintf("Check block assertion failed (%s)", n.check.Name))...)
	}
	return diags
}

// importInstance adopts an existing object for an import block: the
// provider imports it by ID and reads it back.
func (e *Engine) importInstance(ctx context.Context, r *config.Resource, schema *Schema, server tfprotov6.ProviderServer, key cty.Value, imp *config.Import) (*priorInstance, string, hcl.Diagnostics) {
	idVal, diags := imp.ID.Value(e.scope.evalContext(imp.ID.Variables(), nil))
	if diags.HasErrors() {
		return nil, "", diags
	}
	idVal, _ = idVal.UnmarkDeep()
	if idVal.Type() != cty.String || !idVal.IsKnown() || idVal.IsNull() {
		return nil, "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid import id", Detail: "id must be a string known at plan time.", Subject: imp.ID.Range().Ptr()}}
	}
	id := idVal.AsString()
	p, err := e.importObject(ctx, server, r.Type, schema, instanceAddr(r.ModulePath, r.Mode, r.Type, r.Name, key), id)
	if err != nil {
		return nil, "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot import", Detail: err.Error(), Subject: imp.DeclRange.Ptr()}}
	}
	p.key = key
	return p, id, nil
}

func (e *Engine) importObject(ctx context.Context, server tfprotov6.ProviderServer, typ string, schema *Schema, addr, id string) (*priorInstance, error) {
	e.progress("%s: Importing from ID %q...", addr, id)
	resp, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typ, ID: id})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	if msg := errorDiags(resp.Diagnostics); msg != "" {
		return nil, fmt.Errorf("%s: %s", addr, msg)
	}
	if len(resp.ImportedResources) != 1 {
		return nil, fmt.Errorf("%s: the provider returned %d objects for ID %q", addr, len(resp.ImportedResources), id)
	}
	ir := resp.ImportedResources[0]
	rr, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typ, CurrentState: ir.State, Private: ir.Private})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	if msg := errorDiags(rr.Diagnostics); msg != "" {
		return nil, fmt.Errorf("%s: %s", addr, msg)
	}
	v, err := decode(rr.NewState, schema.Type)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	if v.IsNull() {
		return nil, fmt.Errorf("%s: cannot import non-existent remote object %q", addr, id)
	}
	return &priorInstance{value: v, private: rr.Private}, nil
}

// Import adopts the object with id as the instance addr (spice import):
// the provider imports and reads it, and the state records it.
func (e *Engine) Import(ctx context.Context, addr, id string, save func(*state.File) error) hcl.Diagnostics {
	if diags := e.prepare(); diags.HasErrors() {
		return diags
	}
	r := e.scope.resource(resourceOf(addr))
	if r == nil || r.Mode != "managed" {
		return hcl.Diagnostics{sourceless("Import to an undeclared resource", fmt.Sprintf("%s has no resource block; declare it before importing.", resourceOf(addr)))}
	}
	key := cty.NilVal
	if rest := strings.TrimPrefix(addr, r.Address()); rest != "" {
		inner := strings.TrimSuffix(strings.TrimPrefix(rest, "["), "]")
		if n, err := strconv.Atoi(inner); err == nil {
			key = cty.NumberIntVal(int64(n))
		} else if s, err := strconv.Unquote(inner); err == nil {
			key = cty.StringVal(s)
		} else {
			return hcl.Diagnostics{sourceless("Invalid address", addr)}
		}
	}
	if _, inst := e.State.Lookup(addr); inst != nil {
		return hcl.Diagnostics{sourceless("Resource already managed", fmt.Sprintf("%s is already in state; remove it with spice state rm first.", addr))}
	}
	if d := e.configureProvider(ctx, r.ProviderKey); d.HasErrors() {
		return d
	}
	schema := e.schemaFor(r.Mode, r.Type)
	p, err := e.importObject(ctx, e.server(r.ProviderKey), r.Type, schema, addr, id)
	if err != nil {
		return hcl.Diagnostics{sourceless("Cannot import", err.Error())}
	}
	w := &stateWriter{file: e.State, save: save}
	c := &Change{Addr: addr, Mode: r.Mode, Type: r.Type, Name: r.Name, Key: key, ProviderKey: r.ProviderKey, Schema: schema}
	w.set(c, p.value, p.private, schema.Sensitive)
	e.progress("%s: Import prepared!", addr)
	return w.flush()
}

// Graph returns the module's dependency graph in DOT.
func (e *Engine) Graph() (string, hcl.Diagnostics) {
	diags := e.prepare()
	if diags.HasErrors() {
		return "", diags
	}
	return e.graph.dot(), diags
}
