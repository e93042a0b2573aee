// Package core evaluates a loaded module against the provider, in process,
// over the plugin protocol: it builds the dependency graph, refreshes,
// plans with PlanResourceChange and applies with ApplyResourceChange, and
// keeps the state.
package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"

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
	// changing holds the resources with planned changes, by address.
	changing map[string]bool
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
	e.changing = map[string]bool{}
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

// priorInstance is one refreshed instance from state.
type priorInstance struct {
	key     cty.Value
	value   cty.Value
	private []byte
	deps    []string
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

func elapsed(start time.Time) string {
	return time.Since(start).Round(time.Second).String()
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

// Graph returns the module's dependency graph in DOT.
func (e *Engine) Graph() (string, hcl.Diagnostics) {
	diags := e.prepare()
	if diags.HasErrors() {
		return "", diags
	}
	return e.graph.dot(), diags
}
