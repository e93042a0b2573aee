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

// Interval checks leave out the objects events cover: a file, env file
// or directory whose directory fsnotify watches (locally) or the host's
// ready event stream watches (remotely). A checkout changes below its
// path, out of sight, and a file in a directory nothing watches is not
// covered; neither is anything on a host whose stream is down.
func TestCoveredByEvents(t *testing.T) {
	objects := map[string]*object{
		"spice_file.conf":         {typ: "spice_file"},
		"spice_env_file.env":      {typ: "spice_env_file"},
		"spice_directory.app":     {typ: "spice_directory"},
		"spice_git_checkout.code": {typ: "spice_git_checkout"},
		"spice_file.elsewhere":    {typ: "spice_file"},
		"spice_sysctl.somaxconn":  {typ: "spice_sysctl"},
	}
	paths := map[string][]string{
		"/etc/app/conf":  {"spice_file.conf"},
		"/etc/app/.env":  {"spice_env_file.env"},
		"/etc/app":       {"spice_directory.app"},
		"/etc/app/code":  {"spice_git_checkout.code"},
		"/missing/dir/f": {"spice_file.elsewhere"},
	}
	want := map[string]bool{"spice_file.conf": true, "spice_env_file.env": true, "spice_directory.app": true}
	local := &Watcher{objects: objects, paths: paths, dirs: map[string]bool{"/etc/app": true, "/etc": true}}
	assert.Equal(t, want, local.covered(&hostInfo{local: true}))

	remote := &Watcher{objects: objects}
	h := &hostInfo{remotePaths: paths, streaming: true, unwatched: map[string]bool{"/missing/dir/f": true}}
	assert.Equal(t, want, remote.covered(h))
	h.streaming = false
	assert.Empty(t, remote.covered(h), "without a stream every object is checked")
}
