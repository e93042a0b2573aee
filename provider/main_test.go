package provider_test

import (
	"os"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// TestMain removes the binary the tests built, once all of them ran.
func TestMain(m *testing.M) {
	code := m.Run()
	testsupport.RemoveBuiltBinary()
	os.Exit(code)
}
