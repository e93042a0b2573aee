package provider_test

import (
	"os"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
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

// skipSecondTransportRun skips a container test in make testacc's
// SPICE_TEST_TRANSPORT=ssh run: it reaches its container over SSH in both
// runs, so the second would repeat the first.
func skipSecondTransportRun(t *testing.T) {
	t.Helper()
	if os.Getenv("SPICE_TEST_TRANSPORT") == "ssh" {
		t.Skip("container test: over SSH already in the run without SPICE_TEST_TRANSPORT")
	}
}
