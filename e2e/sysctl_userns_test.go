package e2e

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// The local transport writes real kernel parameters, safely: spice runs in
// a new user namespace whose uid 0 is the unprivileged uid 65534 on this
// machine, with its own network namespace. Keys of that network namespace
// are its own to change; global keys (vm.*) fail with a permission error in
// the kernel, so this machine's settings cannot be reached.
func TestSysctlLocalInUserAndNetworkNamespace(t *testing.T) {
	testsupport.RequireRoot(t)
	_, err := exec.LookPath("setpriv")
	testsupport.Require(t, err == nil, "setpriv (util-linux)")
	bin := testsupport.BuildBinary(t)
	work := t.TempDir()
	require.NoError(t, os.Chmod(work, 0o777))
	spice := filepath.Join(work, "spice")
	copyFile(t, filepath.Join(bin, "terraform-provider-spice"), spice)
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(`
resource "spice_sysctl" "somaxconn" {
  name    = "net.core.somaxconn"
  value   = "1000"
  persist = false
}
resource "spice_sysctl" "port_range" {
  name    = "net.ipv4.ip_local_port_range"
  value   = "20000   40000"
  persist = false
}
`), 0o666))
	before, err := os.ReadFile("/proc/sys/net/core/somaxconn")
	require.NoError(t, err)

	inNamespaces := func(script string) (string, error) {
		cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
			"unshare", "--user", "--map-root-user", "--net", "--", "sh", "-c", script)
		cmd.Dir = work
		cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + work}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := inNamespaces(`./spice apply -auto-approve -no-color >/dev/null && ./spice plan -detailed-exitcode -no-color >/dev/null && cat /proc/sys/net/core/somaxconn /proc/sys/net/ipv4/ip_local_port_range`)
	require.NoError(t, err, out)
	assert.Equal(t, "1000\n20000\t40000\n", out, "namespaced keys applied, multi-value key converged")

	after, err := os.ReadFile("/proc/sys/net/core/somaxconn")
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "this machine's net.core.somaxconn is untouched")

	// A global key is out of reach: the kernel refuses, spice names it.
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(`
resource "spice_sysctl" "swappiness" {
  name    = "vm.swappiness"
  value   = "10"
  persist = false
}
`), 0o666))
	require.NoError(t, os.Remove(filepath.Join(work, "terraform.tfstate")))
	out, err = inNamespaces(`./spice apply -auto-approve -no-color`)
	require.Error(t, err)
	assert.Contains(t, strings.Join(strings.Fields(out), " "), "vm.swappiness")
	swappiness, err := os.ReadFile("/proc/sys/vm/swappiness")
	require.NoError(t, err)
	assert.NotEqual(t, "10\n", string(swappiness))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	require.NoError(t, err)
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}
