package core

import (
	"context"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// Console evaluates expressions in the root module against the state, as
// terraform console does: resources and data sources have their values in
// state (unknown when not there), locals and outputs are computed from
// them. No provider is configured and no host is touched.
type Console struct{ e *Engine }

// Console walks the configuration once to compute locals and module
// outputs from the state. The console is usable even with diagnostics:
// what failed to evaluate is missing from it, as in Terraform.
func (e *Engine) Console(ctx context.Context) (*Console, hcl.Diagnostics) {
	diags := e.prepare()
	if e.scope == nil {
		return nil, diags
	}
	if diags.HasErrors() {
		return &Console{e: e}, diags
	}
	e.Refresh = false // state values as stored: upgraded, never read again
	server := e.Factory()
	outs := &rootOutputs{values: map[string]OutputValue{}}
	diags = append(diags, e.graph.walk(ctx, e.Parallelism, func(id string) hcl.Diagnostics {
		n := e.nodes[id]
		switch n.kind {
		case kindProvider, kindCheck:
			return nil
		case kindResource:
			return e.consoleResource(ctx, n.res, server)
		}
		return e.evalValue(n, outs)
	})...)
	return &Console{e: e}, diags
}

// consoleResource sets a resource's value from state, sensitive
// attributes marked; a resource with nothing in state is unknown.
func (e *Engine) consoleResource(ctx context.Context, r *config.Resource, server tfprotov6.ProviderServer) hcl.Diagnostics {
	sr := e.State.FindIn(r.ModulePath, r.Mode.String(), r.Type, r.Name)
	if sr == nil {
		e.scopeFor(r).setResource(r.LocalAddress(), cty.DynamicVal)
		return nil
	}
	schema := e.Schemas.For(r.Mode, r.Type)
	priors, _, diags := e.refreshResource(ctx, sr, schema, server)
	if diags.HasErrors() {
		return diags
	}
	sensitive := map[string][]cty.Path{}
	for _, inst := range sr.Instances {
		sensitive[keyString(keyValue(inst.IndexKey))] = statePaths(schema, inst.SensitiveAttributes)
	}
	sorted := sortedPriors(priors)
	sort.SliceStable(sorted, func(i, j int) bool { return keyLess(sorted[i].key, sorted[j].key) })
	keys, values := make([]cty.Value, len(sorted)), make([]cty.Value, len(sorted))
	for i, p := range sorted {
		keys[i], values[i] = p.key, markSensitive(p.value, sensitive[keyString(p.key)])
	}
	e.scopeFor(r).setResource(r.LocalAddress(), aggregatePrior(r, keys, values, schema))
	return nil
}

// Eval parses and evaluates one expression in the root module.
func (c *Console) Eval(src string) (cty.Value, hcl.Diagnostics) {
	expr, diags := hclsyntax.ParseExpression([]byte(src), "<console-input>", hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	sc := c.e.scope
	refs := expr.Variables()
	for _, tr := range refs {
		if wholeModule(sc, tr) {
			continue // module.NAME: the object of its outputs, in the context
		}
		if _, d := sc.refNode(tr, false); d != nil {
			diags = append(diags, d)
		}
	}
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	v, d := expr.Value(sc.evalContext(refs, nil))
	return v, append(diags, d...)
}

// wholeModule reports whether tr is module.NAME alone (or indexed), a
// declared call: the console evaluates it to the object of its outputs,
// as Terraform's does, where the graph only knows module.NAME.OUTPUT.
func wholeModule(sc *scope, tr hcl.Traversal) bool {
	if tr.RootName() != "module" {
		return false
	}
	call, ok := attrStep(tr, 1)
	if !ok {
		return false
	}
	if _, declared := sc.module.Calls[call]; !declared {
		return false
	}
	_, output := attrStep(tr, 2)
	return !output
}
