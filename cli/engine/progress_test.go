package engine

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordedWrites keeps each Write apart; the first one can be held until
// released, to queue lines behind it.
type recordedWrites struct {
	mu      sync.Mutex
	writes  []string
	entered chan struct{} // closed when the first Write starts, if not nil
	release chan struct{} // the first Write waits for it, if not nil
}

func (r *recordedWrites) Write(p []byte) (int, error) {
	r.mu.Lock()
	first := len(r.writes) == 0
	r.writes = append(r.writes, string(p))
	r.mu.Unlock()
	if first && r.entered != nil {
		close(r.entered)
		<-r.release
	}
	return len(p), nil
}

// Lines queued while a write is under way go out together, in order, in
// the next write of the caller already writing; those callers do not wait.
func TestProgressLinesQueueBehindAWrite(t *testing.T) {
	w := &recordedWrites{entered: make(chan struct{}), release: make(chan struct{})}
	p := &progressLines{w: w}
	done := make(chan struct{})
	go func() {
		p.line("a: Refreshing state...")
		close(done)
	}()
	<-w.entered
	p.line("b: Refreshing state...") // returns at once: "a" is being written
	p.line("c: Refreshing state...")
	close(w.release)
	<-done
	assert.Equal(t, []string{"a: Refreshing state...\n", "b: Refreshing state...\nc: Refreshing state...\n"}, w.writes)
}

// From many goroutines, every line comes out whole, once, and each
// goroutine's lines in the order it wrote them.
func TestProgressLinesConcurrent(t *testing.T) {
	w := &recordedWrites{}
	p := &progressLines{w: w}
	const workers, lines = 8, 300
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range lines {
				p.line(fmt.Sprintf("w%d %d", g, i))
			}
		})
	}
	wg.Wait()
	next := make([]int, workers)
	for _, l := range strings.Split(strings.TrimSuffix(strings.Join(w.writes, ""), "\n"), "\n") {
		var g, i int
		_, err := fmt.Sscanf(l, "w%d %d", &g, &i)
		require.NoError(t, err, "line %q", l)
		require.Equal(t, next[g], i, "worker %d's lines in order", g)
		next[g]++
	}
	for g := range workers {
		assert.Equal(t, lines, next[g], "worker %d's lines all out", g)
	}
}
