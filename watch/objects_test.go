package watch

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A failing repair waits 1s, 2s, 4s, ... up to the cap; a success resets it.
func TestBackoffDoublesUpToTheCap(t *testing.T) {
	p := policy{backoffBase: time.Second, backoffMax: 10 * time.Second}
	o := &object{}
	now := time.Unix(0, 0)
	var waits []time.Duration
	for range 6 {
		waits = append(waits, o.failed(now, p))
	}
	assert.Equal(t, []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}, waits)
	assert.True(t, o.waiting(now.Add(9*time.Second)))
	assert.False(t, o.waiting(now.Add(10*time.Second)))
	o.repaired(now)
	assert.Equal(t, time.Second, o.failed(now, p), "a success resets the backoff")
}

// More than flapRepairs repairs within the window makes an object
// contested; repairs older than the window no longer count.
func TestContestedAfterTheAllowanceWithinTheWindow(t *testing.T) {
	p := policy{flapRepairs: 2, flapWindow: time.Minute}
	start := time.Unix(0, 0)
	for _, c := range []struct {
		name      string
		repairs   []time.Duration // after start
		drift     time.Duration
		contested bool
	}{
		{"within the allowance", []time.Duration{0}, time.Second, false},
		{"allowance used up", []time.Duration{0, time.Second}, 2 * time.Second, true},
		{"old repairs expire", []time.Duration{0, time.Second}, 2 * time.Minute, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := &object{}
			for _, r := range c.repairs {
				o.repaired(start.Add(r))
			}
			assert.Equal(t, c.contested, o.contest(start.Add(c.drift), p))
			assert.Equal(t, c.contested, o.waiting(start.Add(c.drift)))
		})
	}
}
