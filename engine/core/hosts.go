package core

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// What a report over the hosts needs after Plan: which provider
// configurations there are, how each was configured, the objects state
// keeps for each (also for a host the plan could not reach), and reads
// of data sources that no configuration declares.

// ProviderKeys lists the provider configurations of the last Plan, sorted:
// the ones the configuration declares or uses and the ones state names.
func (e *Engine) ProviderKeys() []string {
	var keys []string
	for _, n := range e.nodes {
		if n.kind == kindProvider {
			keys = append(keys, n.name)
		}
	}
	sort.Strings(keys)
	return keys
}

// ProviderConfig is a provider configuration's decoded arguments as the
// last Plan evaluated them, or cty.NilVal when they could not be.
func (e *Engine) ProviderConfig(key string) cty.Value {
	e.mu.Lock()
	defer e.mu.Unlock()
	if v, ok := e.providerConfigs[key]; ok {
		return v
	}
	return cty.NilVal
}

// StateInstance is one managed object in state.
type StateInstance struct {
	Addr        string
	Type        string
	ProviderKey string
	// Value is the stored object as of the last apply or refresh, for
	// the types asked for; cty.NilVal for the others and when it does not
	// decode with the current schema.
	Value cty.Value
}

// ManagedInstances lists the managed objects in state, sorted by address,
// with the values of those of the types valuesOf: decoding every object
// of a large state would cost more than the listing (spice watch lists
// at every check).
func (e *Engine) ManagedInstances(valuesOf ...string) []StateInstance {
	var out []StateInstance
	for _, sr := range e.State.Resources {
		mode := config.StateMode(sr.Mode)
		if mode != config.Managed {
			continue
		}
		key, err := providerKeyFromAddress(sr.Provider)
		if err != nil {
			continue // prepare reported it
		}
		schema := e.Schemas.For(mode, sr.Type)
		for _, inst := range sr.Instances {
			si := StateInstance{Addr: instanceAddr(sr.Module, mode, sr.Type, sr.Name, keyValue(inst.IndexKey)), Type: sr.Type, ProviderKey: key, Value: cty.NilVal}
			if schema != nil && slices.Contains(valuesOf, sr.Type) {
				if v, err := ctyjson.Unmarshal(inst.Attributes, schema.Type); err == nil {
					si.Value = v
				}
			}
			out = append(out, si)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Addr < out[j].Addr })
	return out
}

// ReadData reads a data source through a provider configuration the last
// Plan configured, with cfg as its configuration (every attribute of the
// data source's type, null where not set).
func (e *Engine) ReadData(ctx context.Context, providerKey, typ string, cfg cty.Value) (cty.Value, error) {
	server := e.server(providerKey)
	if server == nil {
		return cty.NilVal, fmt.Errorf("provider %s is not configured", providerKey)
	}
	schema := e.Schemas.DataSources[typ]
	if schema == nil {
		return cty.NilVal, fmt.Errorf("the provider has no data source %s", typ)
	}
	enc, err := encode(cfg, schema.Type)
	if err != nil {
		return cty.NilVal, fmt.Errorf("data source %s: %w", typ, err)
	}
	resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typ, Config: enc})
	if err != nil {
		return cty.NilVal, fmt.Errorf("read %s through %s: %w", typ, providerKey, err)
	}
	if msg := errorDiags(resp.Diagnostics); msg != "" {
		return cty.NilVal, fmt.Errorf("read %s through %s: %s", typ, providerKey, msg)
	}
	return decode(resp.State, schema.Type)
}
