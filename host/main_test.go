//go:build linux

package host_test

import (
	"os"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/host/hosttest"
)

// TestMain lets hosttest.RunAttacks start this binary as its attacker.
func TestMain(m *testing.M) {
	hosttest.MaybeAttacker()
	os.Exit(m.Run())
}
