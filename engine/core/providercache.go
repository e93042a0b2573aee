package core

import (
	"crypto/sha256"
	"io"
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

// Forget drops the server of a provider configuration ("" drops all) and
// closes it: the next engine configures a new one, with fresh connections
// and caches.
func (c *ProviderCache) Forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, s := range c.servers {
		if key == "" || k == key {
			closeServer(s.server)
			delete(c.servers, k)
		}
	}
}

// closeServer closes a server that holds connections (see
// provider.NewServer).
func closeServer(s tfprotov6.ProviderServer) {
	if c, ok := s.(io.Closer); ok {
		_ = c.Close() // a connection that fails to close is gone either way
	}
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
	if old, ok := c.servers[key]; ok && old.server != server {
		closeServer(old.server) // its configuration changed
	}
	c.servers[key] = cachedServer{config: config, server: server}
}

// DecodeCache keeps the values decoded from stored attributes between
// engines: a long-running caller (spice watch) that plans the same state
// again and again decodes each unchanged instance once. Entries not used
// by the latest engine are dropped at the next one.
type DecodeCache struct {
	mu        sync.Mutex
	cur, prev map[decodeKey]cty.Value
}

// decodeKey is a type and the SHA-256 of its attributes JSON: a copy of
// every instance's JSON would double the state held in memory.
type decodeKey struct {
	typ  string
	hash [sha256.Size]byte
}

// rotate starts an engine's use: what the previous one did not use goes.
func (c *DecodeCache) rotate() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prev, c.cur = c.cur, map[decodeKey]cty.Value{}
}

func (c *DecodeCache) get(typ string, attrs []byte) (cty.Value, bool) {
	if c == nil {
		return cty.NilVal, false
	}
	key := decodeKey{typ, sha256.Sum256(attrs)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.cur[key]; ok {
		return v, true
	}
	v, ok := c.prev[key]
	if ok {
		c.cur[key] = v
	}
	return v, ok
}

func (c *DecodeCache) put(typ string, attrs []byte, v cty.Value) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil {
		c.cur = map[decodeKey]cty.Value{}
	}
	c.cur[decodeKey{typ, sha256.Sum256(attrs)}] = v
}
