package engine

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/watch"
)

// The watcher runs in process here, on a configuration whose provider
// writes under a fresh root; the tests synchronise on its JSON log lines
// and its metrics, never on time.

const watchConfig = `
provider "spice" {
  root = %q
}

resource "spice_directory" "app" {
  path = "/app"
  mode = "0755"
}

resource "spice_file" "conf" {
  path    = "${spice_directory.app.path}/conf"
  content = "declared\n"
  mode    = "0644"
}
`

// watching is a running in-process spice watch.
type watching struct {
	logs    *testsupport.LogLines
	metrics string // the /metrics URL
	stop    func() error
}

// watchedConfig applies watchConfig in a fresh working directory (the
// current one) and returns the root the provider writes under.
func watchedConfig(t *testing.T) (root string) {
	t.Helper()
	root, work := t.TempDir(), t.TempDir()
	t.Chdir(work)
	require.NoError(t, os.WriteFile("main.tf", []byte(fmt.Sprintf(watchConfig, root)), 0o644))
	mustRun(t, "apply", "-auto-approve")
	return root
}

// startWatch runs spice watch on the current directory until the test
// ends (or stop), with opts adjusted by adjust, and waits until it watches.
func startWatch(t *testing.T, adjust func(*watch.Options)) *watching {
	t.Helper()
	logs := testsupport.NewLogLines()
	m := meta{Streams: command.Streams{Version: "test"}, dir: ".", parallelism: 10, refresh: true, lock: true, statePath: state.DefaultPath}
	opt := watch.Options{Dir: ".", StatePath: state.DefaultPath, Factory: m.factory(), Version: "test", Parallelism: 10,
		Interval: time.Hour, Apply: true, MetricsAddr: "127.0.0.1:0", Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		FlapRepairs: 5, FlapWindow: 10 * time.Minute, BackoffBase: time.Second, BackoffMax: time.Minute,
		Judge: (&driftCommand{m}).build}
	if adjust != nil {
		adjust(&opt)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w, err := watch.New(ctx, opt)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() { cancel(); runErr = <-done })
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	serving, _ := logs.Wait(t, 0, "serving metrics", testsupport.Msg("serving metrics"))
	logs.Wait(t, 0, "watching", testsupport.Msg("watching"))
	addr, ok := serving["addr"].(string)
	require.True(t, ok, "the metrics address is logged")
	return &watching{logs: logs, metrics: "http://" + addr + "/metrics", stop: stop}
}

// Every kind of out-of-band change to a local managed file is repaired
// as fsnotify reports it: an edit, a chmod, a delete, a rename over it.
// An invalid .tf edit is reported and the last good configuration stays
// in force. The metrics say what happened.
func TestWatchRepairsLocalFiles(t *testing.T) {
	root := watchedConfig(t)
	w := startWatch(t, nil)
	conf := filepath.Join(root, "app", "conf")
	next := w.logs.Len()
	repaired := func(action string) {
		t.Helper()
		_, next = w.logs.Wait(t, next, "repaired "+action, testsupport.Msg("repaired", "address", "spice_file.conf", "action", action))
		got, err := os.ReadFile(conf)
		require.NoError(t, err)
		assert.Equal(t, "declared\n", string(got))
		fi, err := os.Stat(conf)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	}

	require.NoError(t, os.WriteFile(conf, []byte("edited\n"), 0o644))
	repaired("update")
	require.NoError(t, os.Chmod(conf, 0o600))
	repaired("update")
	require.NoError(t, os.Remove(conf))
	repaired("create")
	tmp := filepath.Join(root, "app", ".conf.swp")
	require.NoError(t, os.WriteFile(tmp, []byte("saved by an editor\n"), 0o644))
	require.NoError(t, os.Rename(tmp, conf))
	repaired("update")

	require.NoError(t, os.WriteFile("broken.tf", []byte(`resource "spice_file" {`), 0o644))
	_, next = w.logs.Wait(t, next, "configuration invalid", testsupport.Msg("configuration invalid; the last good one stays in force"))
	require.NoError(t, os.WriteFile(conf, []byte("edited again\n"), 0o644))
	repaired("update")

	m := testsupport.Metrics(t, w.metrics)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"spice_watch_repairs_total", []string{"type", "spice_file"}, 5},
		{"spice_watch_objects", []string{"type", "spice_file", "host", "spice"}, 1},
		{"spice_watch_objects", []string{"type", "spice_directory", "host", "spice"}, 1},
		{"spice_watch_objects_drifted", []string{"type", "spice_file", "host", "spice"}, 0},
		{"spice_watch_objects_contested", []string{"type", "spice_file", "host", "spice"}, 0},
		{"spice_watch_host_reachable", []string{"host", "spice"}, 1},
		{"spice_watch_config_valid", nil, 0},
	} {
		got, ok := testsupport.MetricValue(m, c.name, c.labels...)
		assert.True(t, ok, "%s%v is exported", c.name, c.labels)
		assert.Equal(t, c.want, got, "%s%v", c.name, c.labels)
	}
	last, ok := testsupport.MetricValue(m, "spice_watch_last_reconcile_success_timestamp_seconds")
	assert.True(t, ok && last > 0, "a check completed")
	_, failures := testsupport.MetricValue(m, "spice_watch_repair_failures_total", "type", "spice_file")
	assert.False(t, failures, "no repair failed")
	require.NoError(t, w.stop())
}

// An object something else keeps rewriting is repaired -flap-repairs
// times, then left alone as contested; a configuration change makes watch
// fight for it again.
func TestWatchContestsAFlappingFile(t *testing.T) {
	root := watchedConfig(t)
	w := startWatch(t, func(o *watch.Options) { o.FlapRepairs = 3 })
	conf := filepath.Join(root, "app", "conf")
	stopRewriting := make(chan struct{})
	rewriting := make(chan struct{})
	go func() {
		defer close(rewriting)
		for {
			_ = os.WriteFile(conf, []byte("the other tool's\n"), 0o644)
			select {
			case <-stopRewriting:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	_, next := w.logs.Wait(t, w.logs.Len(), "contested", testsupport.Msg(
		"contested: something else keeps changing this object; left alone until the configuration changes", "address", "spice_file.conf"))
	close(stopRewriting)
	<-rewriting
	repairs := testsupport.Msg("repaired", "address", "spice_file.conf")
	assert.Equal(t, 3, w.logs.Count(repairs), "no more repairs than -flap-repairs")
	m := testsupport.Metrics(t, w.metrics)
	contested, _ := testsupport.MetricValue(m, "spice_watch_objects_contested", "type", "spice_file", "host", "spice")
	assert.Equal(t, 1.0, contested)
	total, _ := testsupport.MetricValue(m, "spice_watch_repairs_total", "type", "spice_file")
	assert.Equal(t, 3.0, total)

	require.NoError(t, os.WriteFile("extra.tf", []byte("# a configuration change\n"), 0o644))
	w.logs.Wait(t, next, "repaired after the reload", testsupport.Msg("repaired", "address", "spice_file.conf", "trigger", "config changed"))
	got, err := os.ReadFile(conf)
	require.NoError(t, err)
	assert.Equal(t, "declared\n", string(got))
	require.NoError(t, w.stop())
}

// -apply=false reports drift and changes nothing: neither the file nor
// the state.
func TestWatchApplyFalseOnlyReports(t *testing.T) {
	root := watchedConfig(t)
	before, err := os.ReadFile(state.DefaultPath)
	require.NoError(t, err)
	w := startWatch(t, func(o *watch.Options) { o.Apply = false })
	conf := filepath.Join(root, "app", "conf")
	require.NoError(t, os.WriteFile(conf, []byte("edited\n"), 0o644))
	w.logs.Wait(t, 0, "drift found", testsupport.Msg("drift found; not repaired (-apply=false)", "address", "spice_file.conf"))
	m := testsupport.Metrics(t, w.metrics)
	drifted, _ := testsupport.MetricValue(m, "spice_watch_objects_drifted", "type", "spice_file", "host", "spice")
	assert.Equal(t, 1.0, drifted)
	require.NoError(t, w.stop())
	got, err := os.ReadFile(conf)
	require.NoError(t, err)
	assert.Equal(t, "edited\n", string(got))
	after, err := os.ReadFile(state.DefaultPath)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "the state is untouched")
	assert.Zero(t, w.logs.Count(testsupport.Msg("repaired")))
}

// A repair waits while another operation holds the state lock, and
// happens once it is released.
func TestWatchRepairsWaitForTheStateLock(t *testing.T) {
	root := watchedConfig(t)
	w := startWatch(t, nil)
	lock, err := state.Acquire(context.Background(), state.DefaultPath, "OperationTypeApply", "test", 0)
	require.NoError(t, err)
	conf := filepath.Join(root, "app", "conf")
	require.NoError(t, os.WriteFile(conf, []byte("edited\n"), 0o644))
	_, next := w.logs.Wait(t, 0, "repair deferred", testsupport.Msg("state locked by another operation; repair deferred"))
	got, err := os.ReadFile(conf)
	require.NoError(t, err)
	assert.Equal(t, "edited\n", string(got), "nothing repaired under another's lock")
	require.NoError(t, lock.Release())
	w.logs.Wait(t, next, "repaired on retry", testsupport.Msg("repaired", "address", "spice_file.conf", "trigger", "retry"))
	got, err = os.ReadFile(conf)
	require.NoError(t, err)
	assert.Equal(t, "declared\n", string(got))
	require.NoError(t, w.stop())
}
