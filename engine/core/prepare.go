package core

import (
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// scopeFor is the scope of the module declaring r.
func (e *Engine) scopeFor(r *config.Resource) *scope { return e.scopes[r.ModulePath] }

// prepare builds a scope per module and the dependency graph of all of
// them.
func (e *Engine) prepare() hcl.Diagnostics {
	if e.PlanTime.IsZero() {
		e.PlanTime = time.Now().UTC()
	}
	e.scope = newScope(e.Module, e.Vars, e.PlanTime)
	e.scope.setWorkspace(e.Workspace)
	e.scopes = map[string]*scope{"": e.scope}
	e.nodes = map[string]*node{}
	e.servers = map[string]tfprotov6.ProviderServer{}
	e.providerConfigs = map[string]cty.Value{}
	e.changing = map[string]bool{}
	e.Decoded.rotate()
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
		e.nodes[name] = &node{kind: kindProvider, sc: e.scope, name: key}
		g.add(name, e.refsTo(e.scope, trs, false, &diags)...)
		g.unbounded[name] = true
	}
	for _, imp := range e.Module.Imports {
		if r := e.scope.resource(resourceOf(imp.To)); r == nil || r.Mode != config.Managed {
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
	e.prepareTargets()
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
		e.nodes[id] = &node{kind: kindLocal, sc: sc, name: name}
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
		schema := e.Schemas.For(r.Mode, r.Type)
		if schema == nil {
			kind := r.Mode.Noun()
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid " + kind,
				Detail: fmt.Sprintf("The spice provider does not support %s %q.", kind, r.Type), Subject: r.TypeRange.Ptr()})
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
		e.nodes[r.Address()] = &node{kind: kindResource, sc: sc, res: r}
		g.add(r.Address(), append(deps, "provider."+r.ProviderKey)...)
	}
	for name, o := range m.Outputs {
		id := sc.prefix + "output." + name
		e.nodes[id] = &node{kind: kindOutput, sc: sc, name: name}
		g.add(id, e.refsTo(sc, o.Expr.Variables(), false, &diags)...)
	}
	for i, c := range m.Checks {
		var trs []hcl.Traversal
		for _, a := range c.Asserts {
			trs = append(trs, a.Condition.Variables()...)
			trs = append(trs, a.ErrorMessage.Variables()...)
		}
		id := fmt.Sprintf("%scheck.%d", sc.prefix, i)
		e.nodes[id] = &node{kind: kindCheck, sc: sc, check: c}
		g.add(id, e.refsTo(sc, trs, false, &diags)...)
	}
	for _, call := range m.Calls {
		if call.Module == nil {
			continue
		}
		child := newScope(call.Module, nil, e.PlanTime)
		child.setWorkspace(e.Workspace)
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
		e.nodes[child.callNode] = &node{kind: kindCall, sc: sc, call: call}
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

// Graph returns the module's dependency graph in DOT.
func (e *Engine) Graph() (string, hcl.Diagnostics) {
	diags := e.prepare()
	if diags.HasErrors() {
		return "", diags
	}
	return e.graph.dot(), diags
}
