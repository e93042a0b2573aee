package e2e

import (
	"os"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// TestMain removes the binary the tests built and stops the PostgreSQL
// cluster they shared, once all of them ran.
func TestMain(m *testing.M) {
	code := m.Run()
	testsupport.RemoveBuiltBinary()
	testsupport.StopSharedPostgres()
	os.Exit(code)
}
