package provider_test

import (
	"os"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// providerBlock configures the provider to manage root: directly, or, with
// SPICE_TEST_TRANSPORT=ssh, over SSH through a real sshd on loopback that
// manages the same directory. make testacc runs the acceptance tests both
// ways, so every resource is held to the same tests on both transports.
func providerBlock(t *testing.T, root string) string {
	t.Helper()
	if os.Getenv("SPICE_TEST_TRANSPORT") != "ssh" {
		return testsupport.ProviderBlock(root)
	}
	srv := sshd.Start(t)
	return sshProvider(srv.Host, srv.Port, srv.PrivateKeyFile, srv.KnownHostsFile, root)
}

// reachedOverSSH marks a test that reaches its hosts over SSH whatever
// SPICE_TEST_TRANSPORT says. The local phase of make testacc runs it; the
// SSH phase would only repeat it, so it skips there.
func reachedOverSSH(t *testing.T) {
	t.Helper()
	if os.Getenv("SPICE_TEST_TRANSPORT") == "ssh" {
		t.Skip("reaches its hosts over SSH in every phase: the local phase runs it")
	}
}

// startContainers boots n pristine test hosts for one test (see
// reachedOverSSH).
func startContainers(t *testing.T, n int) []*testhosts.Host {
	t.Helper()
	reachedOverSSH(t)
	return testhosts.Start(t, n)
}

// sharedContainer is the test host shared by the tests that change little
// on it, each in paths, ports and units of its own: one boot for all of
// them instead of one each (see reachedOverSSH).
func sharedContainer(t *testing.T) *testhosts.Host {
	t.Helper()
	reachedOverSSH(t)
	return testhosts.Shared(t, 1)[0]
}

// sameOnEveryTransport marks a test whose provider configuration does not
// come from providerBlock (it manages this machine itself, or it is refused
// before any host is reached): the SSH phase of make testacc would repeat
// the local phase's run exactly, so it skips there.
func sameOnEveryTransport(t *testing.T) {
	t.Helper()
	if os.Getenv("SPICE_TEST_TRANSPORT") == "ssh" {
		t.Skip("its provider configuration is the same in every phase: the local phase runs it")
	}
}
