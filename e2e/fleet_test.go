package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// A fleet: one provider alias per container. When one host becomes
// unreachable, the other still converges and its result is saved in state.
func TestFleetOneHostDown(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	hosts := testhosts.Start(t, 2)
	work := t.TempDir()
	var cfg strings.Builder
	for i, h := range hosts {
		fmt.Fprintf(&cfg, `
provider "spice" {
  alias            = "h%d"
  host             = %q
  port             = %d
  private_key_file = %q
  known_hosts_file = %q
  connect_timeout  = "3s"
}
resource "spice_file" "motd_%d" {
  provider = spice.h%d
  path     = "/etc/spice-motd"
  content  = "release ${var.release} on host %d\n"
}
`, i, h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, i, i, i)
	}
	cfg.WriteString("variable \"release\" {\n  type = string\n}\n")
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg.String()), 0o644))
	spice := testsupport.NewSpice(t, work, bin)

	spice.MustRun(0, "apply", "-auto-approve", "-var", "release=1")
	for i, h := range hosts {
		assert.Equal(t, fmt.Sprintf("release 1 on host %d\n", i), h.Exec(t, "cat", "/etc/spice-motd"))
	}

	// Host 1 stops answering SSH; host 0 must still get release 2.
	hosts[1].Exec(t, "systemctl", "stop", "ssh.socket", "ssh.service")
	out, code := spice.Run("apply", "-auto-approve", "-var", "release=2")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "Cannot connect to host")
	assert.Equal(t, "release 2 on host 0\n", hosts[0].Exec(t, "cat", "/etc/spice-motd"))
	assert.Equal(t, "release 1 on host 1\n", hosts[1].Exec(t, "cat", "/etc/spice-motd"))

	// The state recorded host 0's new content: with host 1 back, only host 1
	// has something left to do.
	hosts[1].Exec(t, "systemctl", "start", "ssh.service")
	out = spice.MustRun(2, "plan", "-detailed-exitcode", "-var", "release=2")
	assert.Contains(t, out, "spice_file.motd_1 will be updated in-place")
	assert.NotContains(t, out, "spice_file.motd_0 will be")
	assert.Contains(t, out, "Plan: 0 to add, 1 to change, 0 to destroy.")
}

// The SSH link dies in the middle of an apply: a clear error, a state that
// keeps what completed, and the next apply converges.
func TestConnectionCutDuringApply(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	h := testhosts.Start(t, 1)[0]
	work := t.TempDir()
	const n = 150
	cfg := fmt.Sprintf(`
provider "spice" {
  host             = %q
  port             = %d
  private_key_file = %q
  known_hosts_file = %q
  connect_timeout  = "30s" # sshd is stopped, not silent: refusals are immediate
}
resource "spice_file" "f" {
  count   = %d
  path    = "/srv/cut/${count.index}.conf"
  content = "${count.index}\n"
}
`, h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, n)
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644))

	cmd := exec.Command(filepath.Join(bin, "spice"), "apply", "-auto-approve", "-no-color", "-parallelism=2")
	cmd.Dir = work
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	// Cut once some files exist: stop sshd and kill every session. The
	// apply is stopped (SIGSTOP) from the moment the files are seen, read
	// straight from the container's root, until the cut is done, so the
	// cut lands mid-apply however fast the apply runs.
	deadline := time.Now().Add(60 * time.Second) // a bound on a busy machine, not a measurement
	for countFiles(filepath.Join(h.Root(), "srv/cut")) < 5 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGSTOP)
	_ = h.Command("sh", "-c", "systemctl stop ssh.socket ssh.service; pkill -KILL -f 'sshd:'").Run()
	_ = cmd.Process.Signal(syscall.SIGCONT)
	err := cmd.Wait()
	require.Error(t, err, "an apply that lost its host must fail:\n%s", out.String())
	assert.Contains(t, out.String(), "connection")

	st := readState(t, work)
	created := atoi(h.Exec(t, "sh", "-c", "ls /srv/cut | wc -l"))
	assert.Less(t, created, n, "the cut came too late to test anything")
	assert.LessOrEqual(t, st, created, "state records only objects that exist")
	assert.Greater(t, st, 0, "state keeps what completed")

	h.Exec(t, "systemctl", "start", "ssh.service")
	spice := testsupport.NewSpice(t, work, bin)
	spice.MustRun(0, "apply", "-auto-approve")
	spice.MustRun(0, "plan", "-detailed-exitcode")
	assert.Equal(t, n, atoi(h.Exec(t, "sh", "-c", "ls /srv/cut | wc -l")))
}

// countFiles counts the entries of dir as ls does, dot files left out.
func countFiles(dir string) int {
	entries, _ := os.ReadDir(dir)
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			n++
		}
	}
	return n
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// readState counts the resource instances in the state file.
func readState(t *testing.T, work string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
	if err != nil {
		return 0
	}
	var st struct {
		Resources []struct {
			Instances []json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(b, &st), "state is not valid JSON")
	total := 0
	for _, r := range st.Resources {
		total += len(r.Instances)
	}
	return total
}
