package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/nshosts"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

// A fleet of 20 namespace hosts with 10 objects each, through the engine:
// apply writes every host's own files, and after a change by hand on one
// host the next plan has that change and nothing else (the other 199
// objects converged).
func TestFleetOfNamespaceHosts(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	hosts := nshosts.Start(t, 20)
	work := t.TempDir()
	writeFleet(t, work, namespaceFleet(hosts))
	spice := testsupport.NewSpice(t, work, bin)

	spice.MustRun(0, "apply", "-auto-approve")
	for _, h := range hosts {
		for k := range 5 {
			dir := filepath.Join(h.Srv, "bench", fmt.Sprintf("d%d", k))
			info, err := os.Stat(dir)
			require.NoError(t, err, "host %s", h.Addr)
			assert.Equal(t, os.FileMode(0o755), info.Mode().Perm(), dir)
			content, err := os.ReadFile(filepath.Join(dir, "file.conf"))
			require.NoError(t, err, "host %s", h.Addr)
			assert.Equal(t, fmt.Sprintf("setting = %d\n", k), string(content))
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(hosts[7].Srv, "bench", "d3", "file.conf"), []byte("changed by hand\n"), 0o644))
	out := spice.MustRun(2, "plan", "-detailed-exitcode")
	assert.Contains(t, out, "spice_file.f7_3 will be updated in-place")
	assert.Contains(t, out, "Plan: 0 to add, 1 to change, 0 to destroy.")
}

// Connection setup does not count against -parallelism: with
// -parallelism=1, three hosts whose connections are all held until the
// three have arrived still plan (a plan that connected one host at a time
// would wait at the first until its connect_timeout).
func TestFleetConnectsToHostsTogether(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	gate := sshd.NewGate(3)
	work := t.TempDir()
	var cfg strings.Builder
	for i := range 3 {
		srv := sshd.Start(t)
		proxy := sshd.NewProxyWithOptions(t, srv.Addr, sshd.ProxyOptions{Gate: gate})
		knownHosts := srv.WriteKnownHosts(t, "known_hosts.proxy", proxy.Addr, srv.HostPublicKey, false)
		root := t.TempDir()
		fmt.Fprintf(&cfg, `
provider "spice" {
  alias            = "h%d"
  host             = "127.0.0.1"
  port             = %d
  private_key_file = %q
  known_hosts_file = %q
  connect_timeout  = "30s"
  root             = %q
}
resource "spice_file" "f%d" {
  provider = spice.h%d
  path     = "/etc/motd"
  content  = "host %d\n"
}
`, i, proxy.Port, srv.PrivateKeyFile, knownHosts, root, i, i, i)
	}
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg.String()), 0o644))
	out := testsupport.NewSpice(t, work, bin).MustRun(2, "plan", "-detailed-exitcode", "-parallelism=1")
	assert.Contains(t, out, "Plan: 3 to add, 0 to change, 0 to destroy.")
}
