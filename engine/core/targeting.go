package core

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// -target, as Terraform resolves it: the addresses given, plus what they
// need. Planning or applying a resource needs everything it depends on, so
// a normal plan adds the targets' dependencies; destroying one needs its
// dependents gone first, so a destroy plan adds everything that depends on
// the targets. The result is Engine.Targets (targets.go): an instance
// address given stays an instance, a resource pulled in by the closure is
// targeted whole, as Terraform does.

const targetingWarning = `You are creating a plan with the -target option, which means that the result of this plan may not represent all of the changes requested by the current configuration.

The -target option is not for routine use, and is provided only for exceptional situations such as recovering from errors or mistakes, or when spice specifically suggests to use it as part of an error message.`

const targetedApplyWarning = `The plan was created with the -target option in effect, so some changes requested in the configuration may have been ignored and the output values may not be fully updated. Run the following command to verify that no other changes are pending:
    spice plan

Note that the -target option is not suitable for routine use, and is provided only for exceptional situations such as recovering from errors or mistakes, or when spice specifically suggests to use it as part of an error message.`

// resolveTargets sets Targets from TargetAddrs; it returns Terraform's
// warning that targeting is in effect.
func (e *Engine) resolveTargets(mode Mode) hcl.Diagnostics {
	if len(e.TargetAddrs) == 0 {
		return nil
	}
	e.Targets = targetClosure(e.graph, e.nodes, e.stateDependents(), e.TargetAddrs, mode == DestroyMode)
	e.prepareTargets()
	// A targeted object that only state knows is deleted with the
	// provider configuration state names.
	for _, sr := range e.State.Resources {
		if e.targetedResources[joinPath(sr.Module, config.StateMode(sr.Mode).LocalAddress(sr.Type, sr.Name))] {
			if key, err := providerKeyFromAddress(sr.Provider); err == nil {
				e.targetedProviders[key] = true
			}
		}
	}
	e.needed = nil
	if mode == NormalMode {
		e.markNeeded()
	}
	return hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Resource targeting is in effect", Detail: targetingWarning}}
}

// stateDependents maps a resource address to the resources in state that
// recorded a dependency on it: a destroy must also reach objects whose
// configuration is gone.
func (e *Engine) stateDependents() map[string][]string {
	out := map[string][]string{}
	if e.State == nil {
		return out
	}
	for _, sr := range e.State.Resources {
		addr := config.StateMode(sr.Mode).LocalAddress(sr.Type, sr.Name)
		if sr.Module != "" {
			addr = sr.Module + "." + addr
		}
		for _, inst := range sr.Instances {
			for _, dep := range inst.Dependencies {
				if !contains(out[dep], addr) {
					out[dep] = append(out[dep], addr)
				}
			}
		}
	}
	return out
}

// targetClosure is the set of targeted resource and instance addresses:
// the targets, and every resource node reached from them through the
// graph's dependencies (plan, apply) or dependents (destroy).
func targetClosure(g *graph, nodes map[string]*node, stateDependents map[string][]string, targets []config.Address, destroy bool) map[string]bool {
	out := map[string]bool{}
	var start []string
	for _, t := range targets {
		if t.IsModule() {
			for id, n := range nodes {
				if n.kind == kindResource && inModule(n.res.ModulePath, t.Module) {
					out[id] = true
					start = append(start, id)
				}
			}
			for addr := range stateDependents {
				if inModule(moduleOfAddress(addr), t.Module) {
					out[addr] = true
					start = append(start, addr)
				}
			}
			continue
		}
		out[t.String()] = true
		start = append(start, t.Resource())
	}
	next := func(id string) []string { return g.deps[id] }
	if destroy {
		dependents := map[string][]string{}
		for n, deps := range g.deps {
			for _, d := range deps {
				dependents[d] = append(dependents[d], n)
			}
		}
		next = func(id string) []string { return append(append([]string{}, dependents[id]...), stateDependents[id]...) }
	}
	seen := map[string]bool{}
	sort.Strings(start)
	for len(start) > 0 {
		id := start[0]
		start = start[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		for _, n := range next(id) {
			if nd := nodes[n]; (nd != nil && nd.kind == kindResource) || (nd == nil && destroy) {
				out[n] = true // a resource; with nd nil, one only state knows
			}
			start = append(start, n)
		}
	}
	return out
}

// inModule reports whether a module path is module or inside it.
func inModule(path, module string) bool {
	return path == module || strings.HasPrefix(path, module+".")
}

// moduleOfAddress is the module path of a resource address.
func moduleOfAddress(addr string) string {
	module := ""
	rest := addr
	for strings.HasPrefix(rest, "module.") {
		parts := strings.SplitN(rest, ".", 3)
		if len(parts) < 3 {
			break
		}
		module = joinPath(module, "module."+parts[1])
		rest = parts[2]
	}
	return module
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// replaceRequested reports whether -replace names an instance.
func (e *Engine) replaceRequested(addr string) bool {
	for _, a := range e.ReplaceAddrs {
		if a.String() == addr {
			return true
		}
	}
	return false
}

// markNeeded chooses the locals, module calls, outputs and checks a
// targeted plan evaluates: what the targeted resources need, and the
// outputs and checks whose resources are all targeted. Terraform leaves
// the others out; evaluated, they would read resources that are neither
// planned nor (yet) in state.
func (e *Engine) markNeeded() {
	needed := map[string]bool{}
	var visit func(id string)
	visit = func(id string) {
		if needed[id] {
			return
		}
		needed[id] = true
		for _, d := range e.graph.deps[id] {
			visit(d)
		}
	}
	for id, n := range e.nodes {
		if n.kind == kindResource && e.targetedResources[id] {
			visit(id)
		}
	}
	for id, n := range e.nodes {
		if (n.kind == kindOutput || n.kind == kindCheck) && e.onlyTargetedResources(id, map[string]bool{}) {
			visit(id)
		}
	}
	e.needed = needed
}

// onlyTargetedResources reports whether every resource a node depends on,
// directly or not, is targeted.
func (e *Engine) onlyTargetedResources(id string, seen map[string]bool) bool {
	for _, d := range e.graph.deps[id] {
		if seen[d] {
			continue
		}
		seen[d] = true
		if n := e.nodes[d]; n != nil && n.kind == kindResource && !e.targetedResources[d] {
			return false
		}
		if !e.onlyTargetedResources(d, seen) {
			return false
		}
	}
	return true
}

// skipsNode reports a node a targeted plan leaves out (see markNeeded);
// resources and providers follow Targets themselves.
func (e *Engine) skipsNode(id string) bool {
	if e.needed == nil || e.needed[id] {
		return false
	}
	n := e.nodes[id]
	return n != nil && n.kind != kindResource && n.kind != kindProvider
}

// keepStoredOutputs gives the root outputs a targeted plan left out their
// values in state: they stay as they are.
func (e *Engine) keepStoredOutputs(values map[string]OutputValue) {
	if e.needed == nil {
		return
	}
	for name := range e.State.Outputs {
		if _, planned := values[name]; planned || e.Module.Outputs[name] == nil || e.needed["output."+name] {
			continue
		}
		if v, sensitive, ok := storedOutput(e.State.Outputs, name); ok {
			values[name] = OutputValue{Value: v, Sensitive: sensitive}
		}
	}
}
