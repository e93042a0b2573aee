package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// spice watch on a container host: a file edited inside is repaired
// through the event stream (spice agent watch, installed by
// spice_backup_policy, over the SSH connection) without waiting for the
// interval; a service stopped with systemctl stop and a sysctl changed
// with sysctl -w are repaired by the interval check.
func TestWatchRemoteHost(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	h := testhosts.Start(t, 1)[0]
	work := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(h.SpiceProvider()+`
resource "spice_file" "conf" {
  path    = "/etc/spice-watch/app.conf"
  content = "declared\n"
}
resource "spice_service" "sleeper" {
  name       = "spice-watch-sleeper"
  exec_start = "/bin/sleep infinity"
}
resource "spice_sysctl" "somaxconn" {
  name    = "net.core.somaxconn"
  value   = "1111"
  persist = false
}
`), 0o644))
	spice := testsupport.NewSpice(t, work, bin)
	spice.MustRun(0, "apply", "-auto-approve")

	// No spice_backup_policy installed the agent: watch installs it on
	// demand. The event stream then repairs the file: no interval check
	// comes during this run to race it.
	agent := filepath.Join(h.Root(), "usr/local/bin/spice")
	require.NoFileExists(t, agent, "the container starts without the agent")
	logs, stop := startWatchProcess(t, bin, work, "-interval=1h")
	_, next := logs.Wait(t, 0, "event stream ready", testsupport.Msg("event stream ready", "host", "spice"))
	assertSameFile(t, filepath.Join(bin, "spice"), agent)
	h.Exec(t, "sh", "-c", "echo edited > /etc/spice-watch/app.conf")
	logs.Wait(t, next, "file repaired through the stream", testsupport.Msg("repaired", "address", "spice_file.conf", "trigger", "event stream"))
	assert.Equal(t, "declared\n", h.Exec(t, "cat", "/etc/spice-watch/app.conf"))
	stop()

	// The interval check repairs what has no file events.
	logs, stop = startWatchProcess(t, bin, work, "-interval=2s")
	_, next = logs.Wait(t, 0, "watching", testsupport.Msg("watching"))
	h.Exec(t, "systemctl", "stop", "spice-watch-sleeper")
	h.Exec(t, "sysctl", "-w", "net.core.somaxconn=2222")
	logs.Wait(t, next, "service repaired", testsupport.Msg("repaired", "address", "spice_service.sleeper", "trigger", "interval"))
	logs.Wait(t, next, "sysctl repaired", testsupport.Msg("repaired", "address", "spice_sysctl.somaxconn", "trigger", "interval"))
	assert.Equal(t, "active\n", h.Exec(t, "systemctl", "is-active", "spice-watch-sleeper"))
	assert.Equal(t, "1111\n", h.Exec(t, "cat", "/proc/sys/net/core/somaxconn"))
	stop()
}

// startWatchProcess starts spice watch in work; stop sends SIGTERM and
// requires exit status 0.
func startWatchProcess(t testing.TB, bin, work string, args ...string) (*testsupport.LogLines, func()) {
	t.Helper()
	logs, stop, _ := startWatchProcessPID(t, bin, work, args...)
	return logs, stop
}

// startWatchProcessPID is startWatchProcess that also returns the PID.
func startWatchProcessPID(t testing.TB, bin, work string, args ...string) (*testsupport.LogLines, func(), int) {
	t.Helper()
	logs := testsupport.NewLogLines()
	cmd := exec.Command(filepath.Join(bin, "spice"), append([]string{"watch"}, args...)...)
	cmd.Dir, cmd.Stdout = work, logs
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return logs, func() {
		t.Helper()
		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		require.NoError(t, <-exited, "exit status 0; stderr: %s", stderr.String())
	}, cmd.Process.Pid
}

// assertSameFile checks that installed has the content of want.
func assertSameFile(t *testing.T, want, installed string) {
	t.Helper()
	a, err := os.ReadFile(want)
	require.NoError(t, err)
	b, err := os.ReadFile(installed)
	require.NoError(t, err, "the agent is installed")
	assert.True(t, bytes.Equal(a, b), "the installed agent is the spice binary watch runs")
}
