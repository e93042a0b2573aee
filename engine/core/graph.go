package core

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
)

// graph is the dependency graph of a module: which node must be evaluated
// before which, derived from the references expressions make
// (Expression.Variables) and from depends_on.
type graph struct {
	nodes []string
	deps  map[string][]string
	// unbounded nodes run outside the parallelism bound: a provider's
	// connection setup waits on its host rather than works, and a fleet
	// of 50 hosts must not connect 10 at a time.
	unbounded map[string]bool
}

func newGraph() *graph { return &graph{deps: map[string][]string{}, unbounded: map[string]bool{}} }

func (g *graph) add(node string, deps ...string) {
	if _, ok := g.deps[node]; !ok {
		g.nodes = append(g.nodes, node)
		g.deps[node] = nil
	}
	for _, d := range deps {
		if d != "" && d != node && !contains(g.deps[node], d) {
			g.deps[node] = append(g.deps[node], d)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cycleError names the members of a dependency cycle, in order.
type cycleError struct{ members []string }

func (e *cycleError) Error() string {
	return "dependency cycle: " + strings.Join(e.members, " -> ")
}

// order returns the nodes so that every node follows its dependencies, or
// an error naming the members of a cycle.
func (g *graph) order() ([]string, error) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var out, stack []string
	var visit func(n string) error
	visit = func(n string) error {
		switch state[n] {
		case done:
			return nil
		case visiting:
			i := len(stack) - 1
			for i > 0 && stack[i] != n {
				i--
			}
			return &cycleError{members: append(append([]string{}, stack[i:]...), n)}
		}
		state[n] = visiting
		stack = append(stack, n)
		deps := append([]string{}, g.deps[n]...)
		sort.Strings(deps)
		for _, d := range deps {
			if err := visit(d); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		out = append(out, n)
		return nil
	}
	nodes := append([]string{}, g.nodes...)
	sort.Strings(nodes)
	for _, n := range nodes {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// walk runs fn for every node once all its dependencies succeeded, at most
// parallelism at a time besides the unbounded nodes. A failed node's
// dependents are skipped, everything else still runs.
func (g *graph) walk(ctx context.Context, parallelism int, fn func(node string) hcl.Diagnostics) hcl.Diagnostics {
	if parallelism < 1 {
		parallelism = 1
	}
	doneCh := map[string]chan struct{}{}
	failed := map[string]bool{}
	for _, n := range g.nodes {
		doneCh[n] = make(chan struct{})
	}
	var (
		mu    sync.Mutex
		diags hcl.Diagnostics
		wg    sync.WaitGroup
		sem   = make(chan struct{}, parallelism)
	)
	for _, n := range g.nodes {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			defer close(doneCh[n])
			for _, d := range g.deps[n] {
				ch, ok := doneCh[d]
				if !ok {
					continue
				}
				<-ch
				mu.Lock()
				bad := failed[d]
				mu.Unlock()
				if bad {
					mu.Lock()
					failed[n] = true
					mu.Unlock()
					return
				}
			}
			if ctx.Err() != nil {
				mu.Lock()
				failed[n] = true
				mu.Unlock()
				return
			}
			bounded := !g.unbounded[n]
			if bounded {
				sem <- struct{}{}
			}
			d := fn(n)
			if bounded {
				<-sem
			}
			mu.Lock()
			diags = append(diags, d...)
			if d.HasErrors() {
				failed[n] = true
			}
			mu.Unlock()
		}(n)
	}
	wg.Wait()
	return diags
}

// dot renders the graph for Graphviz: an edge points from a node to what it
// depends on, as in terraform graph.
func (g *graph) dot() string {
	var b strings.Builder
	b.WriteString("digraph {\n  compound = \"true\"\n  newrank = \"true\"\n")
	nodes := append([]string{}, g.nodes...)
	sort.Strings(nodes)
	for _, n := range nodes {
		b.WriteString("  \"" + n + "\"\n")
	}
	for _, n := range nodes {
		deps := append([]string{}, g.deps[n]...)
		sort.Strings(deps)
		for _, d := range deps {
			b.WriteString("  \"" + n + "\" -> \"" + d + "\"\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}
