package core

import (
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// Targeting: Engine.Targets limits a plan and its apply to some resource
// instances. Everything else keeps its value from state: it is neither
// refreshed nor changed, and a host no targeted instance lives on is not
// contacted. spice watch repairs one object this way without a full plan;
// a -target flag would resolve its addresses (and what they depend on)
// into the same set.

// resourceOfTarget is the resource address of a target: an instance
// address (spice_file.x[0], spice_file.x["a"]) without its key, a resource
// address as it is.
func resourceOfTarget(target string) string {
	if !strings.HasSuffix(target, "]") {
		return target
	}
	if i := strings.LastIndex(target, "["); i > 0 {
		return target[:i]
	}
	return target
}

// prepareTargets derives the targeted resources, the provider
// configurations they use and the nodes something refers to; without
// Targets everything is targeted.
func (e *Engine) prepareTargets() {
	e.targetedResources, e.targetedProviders, e.referenced = nil, nil, nil
	if e.Targets == nil {
		return
	}
	e.targetedResources = map[string]bool{}
	e.targetedProviders = map[string]bool{}
	e.referenced = map[string]bool{}
	for _, deps := range e.graph.deps {
		for _, d := range deps {
			e.referenced[d] = true
		}
	}
	for t := range e.Targets {
		e.targetedResources[resourceOfTarget(t)] = true
	}
	for _, n := range e.nodes {
		if n.kind == kindResource && n.res != nil && e.targetedResources[n.res.Address()] {
			e.targetedProviders[n.res.ProviderKey] = true
		}
	}
}

// targetsResource reports whether some instance of a resource is targeted.
func (e *Engine) targetsResource(resAddr string) bool {
	return e.Targets == nil || e.targetedResources[resAddr]
}

// targetsInstance reports whether an instance is targeted, by its own
// address or by its resource's.
func (e *Engine) targetsInstance(resAddr, instAddr string) bool {
	return e.Targets == nil || e.Targets[resAddr] || e.Targets[instAddr]
}

// skipsUntargeted reports whether the untargeted instances of a resource
// can be left out of a plan altogether: nothing refers to the resource,
// so no expression needs their values, and the state keeps them as they
// are. A targeted plan then costs what its targets cost, not what the
// whole resource does (spice watch repairs one file of a thousand).
func (e *Engine) skipsUntargeted(resAddr string) bool {
	return e.Targets != nil && !e.referenced[resAddr]
}

// targetsProvider reports whether a provider configuration serves a
// targeted resource, and so must be configured (its host reached).
func (e *Engine) targetsProvider(key string) bool {
	return e.Targets == nil || e.targetedProviders[key]
}

// untargetedChange keeps an instance that is not targeted as state has it
// (a no-op); one not in state is left out (nil): it stays unknown.
func (e *Engine) untargetedChange(r *config.Resource, schema *Schema, key cty.Value, prior *priorInstance) *Change {
	if prior == nil {
		return nil
	}
	prior.key = key
	return e.priorChange(r.ModulePath, r.Mode, r.Type, r.Name, r.ProviderKey, prior, schema, RefreshOnlyMode)
}
