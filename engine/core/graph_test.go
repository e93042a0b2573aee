package core

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGraphOrderAndCycles(t *testing.T) {
	g := newGraph()
	g.add("c", "b")
	g.add("b", "a")
	g.add("a")
	order, err := g.order()
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, order)

	g.add("a", "c")
	_, err = g.order()
	var cycle *cycleError
	require.ErrorAs(t, err, &cycle)
	assert.Len(t, cycle.members, 4, "a cycle names each member and closes the loop")
	assert.Contains(t, err.Error(), "dependency cycle")
}

func TestGraphWalkRespectsDependenciesAndParallelism(t *testing.T) {
	g := newGraph()
	g.add("base")
	for _, n := range []string{"x1", "x2", "x3", "x4", "x5", "x6"} {
		g.add(n, "base")
	}
	g.add("top", "x1", "x2", "x3", "x4", "x5", "x6")
	var mu sync.Mutex
	done := map[string]bool{}
	var running, peak int32
	diags := g.walk(context.Background(), 3, func(n string) hcl.Diagnostics {
		now := atomic.AddInt32(&running, 1)
		defer atomic.AddInt32(&running, -1)
		for {
			p := atomic.LoadInt32(&peak)
			if now <= p || atomic.CompareAndSwapInt32(&peak, p, now) {
				break
			}
		}
		mu.Lock()
		defer mu.Unlock()
		for _, d := range g.deps[n] {
			if !done[d] {
				t.Errorf("%s ran before its dependency %s", n, d)
			}
		}
		done[n] = true
		return nil
	})
	assert.False(t, diags.HasErrors())
	assert.Len(t, done, 8)
	assert.LessOrEqual(t, peak, int32(3))
}

func TestGraphWalkSkipsDependentsOfFailures(t *testing.T) {
	g := newGraph()
	g.add("a")
	g.add("b", "a")
	g.add("c")
	ran := map[string]bool{}
	var mu sync.Mutex
	diags := g.walk(context.Background(), 2, func(n string) hcl.Diagnostics {
		mu.Lock()
		ran[n] = true
		mu.Unlock()
		if n == "a" {
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "boom"}}
		}
		return nil
	})
	assert.True(t, diags.HasErrors())
	assert.False(t, ran["b"], "a dependent of a failed node must not run")
	assert.True(t, ran["c"], "independent nodes still run")
}
