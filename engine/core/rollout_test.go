package core

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBatchHosts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		hosts []string
		after map[string][]string
		n     int
		want  [][]string
		err   string
	}{
		{name: "two at a time, in order", hosts: []string{"a", "b", "c", "d", "e"}, n: 2,
			want: [][]string{{"a", "b"}, {"c", "d"}, {"e"}}},
		{name: "one at a time", hosts: []string{"a", "b", "c"}, n: 1,
			want: [][]string{{"a"}, {"b"}, {"c"}}},
		{name: "more than there are", hosts: []string{"a", "b"}, n: 5,
			want: [][]string{{"a", "b"}}},
		{name: "a host after the one it depends on", hosts: []string{"a", "b", "c", "d"}, n: 2,
			after: map[string][]string{"a": {"d"}},
			want:  [][]string{{"b", "c"}, {"d", "a"}}},
		{name: "a dependency on a host without changes", hosts: []string{"a", "b"}, n: 2,
			after: map[string][]string{"a": {"gone"}},
			want:  [][]string{{"a", "b"}}},
		{name: "a chain", hosts: []string{"a", "b", "c"}, n: 2,
			after: map[string][]string{"a": {"b"}, "b": {"c"}},
			want:  [][]string{{"c", "b"}, {"a"}}},
		{name: "a chain one at a time", hosts: []string{"a", "b", "c"}, n: 1,
			after: map[string][]string{"a": {"b"}, "b": {"c"}},
			want:  [][]string{{"c"}, {"b"}, {"a"}}},
		{name: "a cycle", hosts: []string{"a", "b", "c"}, n: 2,
			after: map[string][]string{"a": {"b"}, "b": {"a"}},
			err:   "a waits for b; b waits for a"},
		{name: "zero", hosts: []string{"a"}, n: 0, err: "at least 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := batchHosts(tc.hosts, tc.after, tc.n)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// rolloutConfig declares three image hosts, each with a maintenance mode
// and an application file; the file's path on a broken release runs into
// a regular file, so that its apply fails.
const rolloutConfig = `
variable "release" {
  type    = string
  default = "0"
}
locals {
  hosts = ["h2", "h0", "h1"]
}
provider "spice" {
  alias = "h2"
  root  = "ROOT/h2"
}
provider "spice" {
  alias = "h0"
  root  = "ROOT/h0"
}
provider "spice" {
  alias = "h1"
  root  = "ROOT/h1"
}
provider "spice" {
  alias = "h1_again"
  root  = "ROOT/h1"
}
resource "spice_maintenance_mode" "h2" {
  provider         = spice.h2
  enabled          = false
  status_file      = "/srv/maintenance.json"
  site_link        = "/srv/site"
  production_site  = "/srv/production"
  maintenance_site = "/srv/maintenance"
  reload           = false
}
resource "spice_maintenance_mode" "h0" {
  provider         = spice.h0
  enabled          = false
  status_file      = "/srv/maintenance.json"
  site_link        = "/srv/site"
  production_site  = "/srv/production"
  maintenance_site = "/srv/maintenance"
  reload           = false
}
resource "spice_maintenance_mode" "h1" {
  provider         = spice.h1
  enabled          = false
  status_file      = "/srv/maintenance.json"
  site_link        = "/srv/site"
  production_site  = "/srv/production"
  maintenance_site = "/srv/maintenance"
  reload           = false
}
resource "spice_file" "h2" {
  provider = spice.h2
  path     = var.release == "broken" ? "/srv/blocker/app" : "/srv/app"
  content  = "release ${var.release}\n"
}
resource "spice_file" "h0" {
  provider = spice.h0
  path     = var.release == "broken" ? "/srv/blocker/app" : "/srv/app"
  content  = "release ${var.release}\n"
}
resource "spice_file" "h1" {
  provider = spice.h1
  path     = var.release == "broken" ? "/srv/blocker/app" : "/srv/app"
  content  = "release ${var.release}\n"
}
# A second configuration of h1's machine: the same host.
resource "spice_file" "h1_notes" {
  provider = spice.h1_again
  path     = "/srv/notes"
  content  = "notes for ${var.release}\n"
}
output "releases" {
  value = [spice_file.h2.content, spice_file.h0.content, spice_file.h1.content]
}
`

type rolloutEngine struct {
	*testEngine
	mu    sync.Mutex
	lines []string
}

func newRolloutEngine(t *testing.T) *rolloutEngine {
	te := newTestEngine(t, map[string]string{"main.tf": rolloutConfig})
	for _, h := range []string{"h0", "h1", "h2"} {
		require.NoError(t, os.MkdirAll(filepath.Join(te.root, h, "srv"), 0o755))
		for _, site := range []string{"production", "maintenance"} {
			require.NoError(t, os.WriteFile(filepath.Join(te.root, h, "srv", site), []byte("server {}\n"), 0o644))
		}
		require.NoError(t, os.WriteFile(filepath.Join(te.root, h, "srv", "blocker"), []byte("a file\n"), 0o644))
	}
	return &rolloutEngine{testEngine: te}
}

// run plans release and applies it n hosts at a time, recording the
// progress lines.
func (re *rolloutEngine) run(t *testing.T, release string, n int) ([][]RolloutHost, []string, error) {
	t.Helper()
	re.write(t, map[string]string{"terraform.tfvars": `release = "` + release + `"`})
	re.reload(t)
	re.lines = nil
	re.Progress = func(line string) {
		re.mu.Lock()
		re.lines = append(re.lines, line)
		re.mu.Unlock()
	}
	p := re.plan(t, NormalMode)
	batches, err := re.RolloutBatches(p, n)
	require.NoError(t, err)
	diags := re.ApplyRollout(context.Background(), p, n, re.save)
	if diags.HasErrors() {
		var all []string
		for _, d := range diags {
			all = append(all, d.Summary+": "+d.Detail)
		}
		return batches, re.lines, errors.New(strings.Join(all, "\n"))
	}
	return batches, re.lines, nil
}

func (re *rolloutEngine) file(t *testing.T, host, path string) string {
	b, err := os.ReadFile(filepath.Join(re.root, host, path))
	if os.IsNotExist(err) {
		return "(none)"
	}
	require.NoError(t, err)
	return string(b)
}

// indexOf is the index of the first line that starts with prefix, -1
// when none does.
func indexOf(lines []string, prefix string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return i
		}
	}
	return -1
}

// A release rolls out one host at a time, in the order of the provider
// blocks, each inside its maintenance mode; two configurations of one
// machine are one host. A broken release stops at its first host and
// leaves the others and their state as they were; the next release
// continues.
func TestRolloutHostByHost(t *testing.T) {
	re := newRolloutEngine(t)
	batches, _, err := re.run(t, "1", 1)
	require.NoError(t, err)
	require.Len(t, batches, 3)
	assert.Equal(t, "spice.h2 (2 changes)", batches[0][0].String())
	assert.Equal(t, "spice.h0 (2 changes)", batches[1][0].String())
	assert.Equal(t, "spice.h1 (3 changes)", batches[2][0].String())
	assert.Equal(t, []string{"spice.h1", "spice.h1_again"}, batches[2][0].Providers)

	_, lines, err := re.run(t, "2", 1)
	require.NoError(t, err, strings.Join(lines, "\n"))
	for i, h := range []string{"h2", "h0", "h1"} {
		assert.Equal(t, "release 2\n", re.file(t, h, "srv/app"))
		assert.Equal(t, "(none)", re.file(t, h, "srv/maintenance.json"), "maintenance is off again on %s", h)
		start := indexOf(lines, "Rollout "+string(rune('1'+i))+"/3: spice."+h)
		done := indexOf(lines[start:], "Rollout "+string(rune('1'+i))+"/3: done") + start
		require.True(t, start >= 0 && done > start, strings.Join(lines, "\n"))
		// Maintenance on, the file, maintenance off: all inside the host's step.
		on := indexOf(lines[start:], "spice_maintenance_mode."+h+": Modifying...") + start
		write := indexOf(lines[start:], "spice_file."+h+": Modifying...") + start
		off := indexOf(lines[write:], "spice_maintenance_mode."+h+": Modifying...") + write
		assert.True(t, start < on && on < write && write < off && off < done, "%s: %v", h, lines)
	}
	assert.Equal(t, "notes for 2\n", re.file(t, "h1", "srv/notes"))
	p := re.plan(t, NormalMode)
	assert.False(t, p.HasChanges(), "the rollout left nothing to do: %v", actionsOf(p))
	assert.Equal(t, `["release 2\n","release 2\n","release 2\n"]`, string(re.State.Outputs["releases"].Value))

	before, err := os.ReadFile(re.statePath())
	require.NoError(t, err)
	_, lines, err = re.run(t, "broken", 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Rollout stopped at spice.h2")
	assert.Contains(t, err.Error(), "Not applied, left as they are: spice.h0 (1 change), spice.h1 (2 changes).")
	assert.Equal(t, -1, indexOf(lines, "Rollout 2/3"), "no host after the failed one: %v", lines)
	assert.Equal(t, "release 2\n", re.file(t, "h0", "srv/app"))
	assert.Equal(t, "release 2\n", re.file(t, "h1", "srv/app"))
	assert.Equal(t, "(none)", re.file(t, "h0", "srv/maintenance.json"))
	assert.NotEqual(t, "(none)", re.file(t, "h2", "srv/maintenance.json"), "the failed host stays in maintenance")
	after, err := os.ReadFile(re.statePath())
	require.NoError(t, err)
	assert.Equal(t, stateOf(t, before, "spice_file", "h0"), stateOf(t, after, "spice_file", "h0"), "h0's state is unchanged")
	assert.Equal(t, stateOf(t, before, "spice_file", "h1_notes"), stateOf(t, after, "spice_file", "h1_notes"), "h1's state is unchanged")
	assert.Contains(t, stateOf(t, after, "spice_maintenance_mode", "h2"), `"enabled":true`, "state records h2's maintenance mode")

	// The next release continues over all three, h2 out of maintenance.
	_, lines, err = re.run(t, "3", 1)
	require.NoError(t, err, strings.Join(lines, "\n"))
	for _, h := range []string{"h2", "h0", "h1"} {
		assert.Equal(t, "release 3\n", re.file(t, h, "srv/app"))
		assert.Equal(t, "(none)", re.file(t, h, "srv/maintenance.json"))
	}
	p = re.plan(t, NormalMode)
	assert.False(t, p.HasChanges(), "%v", actionsOf(p))
}

// Two at a time: the first two hosts in one step, the third in the next.
func TestRolloutTwoAtATime(t *testing.T) {
	re := newRolloutEngine(t)
	_, _, err := re.run(t, "1", 2)
	require.NoError(t, err)
	batches, lines, err := re.run(t, "2", 2)
	require.NoError(t, err)
	require.Len(t, batches, 2)
	assert.Equal(t, []string{"spice.h2", "spice.h0"}, []string{batches[0][0].Name, batches[0][1].Name})
	assert.Equal(t, "spice.h1", batches[1][0].Name)
	first := indexOf(lines, "Rollout 1/2: spice.h2 (1 change), spice.h0 (1 change)")
	second := indexOf(lines, "Rollout 2/2: spice.h1 (2 changes)")
	require.True(t, first >= 0 && second > first, "%v", lines)
	for _, h := range []string{"h2", "h0"} {
		assert.Less(t, indexOf(lines, "spice_file."+h+": Modifying..."), second)
	}
	assert.Greater(t, indexOf(lines, "spice_file.h1: Modifying..."), second)
}

// A host whose changes use another host's new object goes after it.
func TestRolloutOrdersByDependency(t *testing.T) {
	te := newTestEngine(t, map[string]string{"main.tf": `
provider "spice" {
  alias = "a"
  root  = "ROOT/a"
}
provider "spice" {
  alias = "b"
  root  = "ROOT/b"
}
resource "spice_file" "a" {
  provider = spice.a
  path     = "/srv/peer"
  content  = spice_file.b.sha256
}
resource "spice_file" "b" {
  provider = spice.b
  path     = "/srv/self"
  content  = "b\n"
}
`})
	for _, h := range []string{"a", "b"} {
		require.NoError(t, os.MkdirAll(filepath.Join(te.root, h), 0o755))
	}
	p := te.plan(t, NormalMode)
	batches, err := te.RolloutBatches(p, 1)
	require.NoError(t, err)
	require.Len(t, batches, 2)
	assert.Equal(t, "spice.b", batches[0][0].Name)
	assert.Equal(t, "spice.a", batches[1][0].Name)
	require.False(t, te.ApplyRollout(context.Background(), p, 1, te.save).HasErrors())
	b, err := os.ReadFile(filepath.Join(te.root, "a", "srv", "peer"))
	require.NoError(t, err)
	assert.Len(t, string(b), 64, "a got b's sha256")
}

// stateOf is the JSON of a resource's instances in a state file.
func stateOf(t *testing.T, stateJSON []byte, typ, name string) string {
	t.Helper()
	var st struct {
		Resources []struct {
			Type, Name string
			Instances  []map[string]any
		}
	}
	require.NoError(t, json.Unmarshal(stateJSON, &st))
	for _, r := range st.Resources {
		if r.Type == typ && r.Name == name {
			b, err := json.Marshal(r.Instances)
			require.NoError(t, err)
			return string(b)
		}
	}
	return ""
}
