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
