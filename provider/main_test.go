package provider_test

import (
	"os"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// TestMain removes the binary the tests built and the test host they
// shared, once all of them ran.
func TestMain(m *testing.M) {
	code := testhosts.Run(m)
	testsupport.RemoveBuiltBinary()
	os.Exit(code)
}
