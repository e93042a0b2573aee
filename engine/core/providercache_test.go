package core

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/stretchr/testify/assert"
	"github.com/zclconf/go-cty/cty"
)

// closableServer stands in for a configured provider server holding a
// host connection: it records whether it was closed.
type closableServer struct {
	tfprotov6.ProviderServer
	closed bool
}

func (s *closableServer) Close() error { s.closed = true; return nil }

// A server the cache drops is closed: forgotten by key, all forgotten, or
// replaced by a server of a changed configuration. One still cached is
// not.
func TestProviderCacheClosesWhatItDrops(t *testing.T) {
	cfg := func(host string) cty.Value { return cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal(host)}) }
	tests := []struct {
		name      string
		drop      func(c *ProviderCache)
		closedA   bool
		closedB   bool
		cachedA   bool
		replacesA bool
	}{
		{name: "forget one", drop: func(c *ProviderCache) { c.Forget("spice.a") }, closedA: true},
		{name: "forget all", drop: func(c *ProviderCache) { c.Forget("") }, closedA: true, closedB: true},
		{name: "configuration changed", replacesA: true, closedA: true},
		{name: "kept", drop: func(*ProviderCache) {}, cachedA: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c ProviderCache
			a, b := &closableServer{}, &closableServer{}
			c.put("spice.a", cfg("a"), a)
			c.put("spice.b", cfg("b"), b)
			if tt.replacesA {
				c.put("spice.a", cfg("a2"), &closableServer{})
			} else {
				tt.drop(&c)
			}
			assert.Equal(t, tt.closedA, a.closed, "a closed")
			assert.Equal(t, tt.closedB, b.closed, "b closed")
			assert.Equal(t, tt.cachedA, c.get("spice.a", cfg("a")) != nil, "a still cached")
		})
	}
}
