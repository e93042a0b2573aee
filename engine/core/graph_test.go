package core

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// Provider nodes connect to their hosts outside the parallelism bound: five
// of them must all be running at once with a parallelism of 1, each
// waiting for the others (a walk that bounded them would never get past
// the first).
func TestGraphWalkRunsUnboundedNodesTogether(t *testing.T) {
	g := newGraph()
	names := []string{"provider.a", "provider.b", "provider.c", "provider.d", "provider.e"}
	var arrived sync.WaitGroup
	arrived.Add(len(names))
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	for _, n := range names {
		g.add(n)
		g.unbounded[n] = true
		g.add("resource."+n, n)
	}
	var ran atomic.Int32
	diags := g.walk(context.Background(), 1, func(n string) hcl.Diagnostics {
		ran.Add(1)
		if g.unbounded[n] {
			arrived.Done()
			select {
			case <-all:
			case <-time.After(30 * time.Second):
				t.Errorf("%s: the other unbounded nodes never ran alongside it", n)
			}
		}
		return nil
	})
	assert.False(t, diags.HasErrors())
	assert.Equal(t, int32(10), ran.Load())
}
