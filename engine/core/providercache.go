package core

import (
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"
)

// ProviderCache keeps configured provider servers between engines: an
// engine whose provider block decodes to the same value as before reuses
// that server, and so its host connection, instead of configuring a new
// one. spice watch sets it so that a repair does not reconnect to its host.
type ProviderCache struct {
	mu      sync.Mutex
	servers map[string]cachedServer // by provider key
}

type cachedServer struct {
	config cty.Value
	server tfprotov6.ProviderServer
}

// Forget drops the server of a provider configuration ("" drops all): the
// next engine configures a new one, with fresh connections and caches.
func (c *ProviderCache) Forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if key == "" {
		c.servers = nil
		return
	}
	delete(c.servers, key)
}

func (c *ProviderCache) get(key string, config cty.Value) tfprotov6.ProviderServer {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.servers[key]; ok && s.config.RawEquals(config) {
		return s.server
	}
	return nil
}

func (c *ProviderCache) put(key string, config cty.Value, server tfprotov6.ProviderServer) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.servers == nil {
		c.servers = map[string]cachedServer{}
	}
	c.servers[key] = cachedServer{config: config, server: server}
}
