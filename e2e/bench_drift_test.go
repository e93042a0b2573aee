package e2e

import (
	"fmt"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// BenchmarkDrift compares the two CI drift checks side by side on the
// same converged configuration and state: spice drift (refresh, plan,
// objectives, a report) and terraform plan -refresh-only
// -detailed-exitcode (the same provider binary through dev_overrides), on
// 500 local files and on 4 container hosts of 10 objects each.
func BenchmarkDrift(b *testing.B) {
	local, bin := convergedFiles(b, 500)
	compareDrift(b, "local-500", local, bin)

	fleet := b.TempDir()
	writeFleet(b, fleet, containerFleet(testhosts.Start(b, 4)))
	testsupport.NewSpice(b, fleet, bin).MustRun(0, "apply", "-auto-approve")
	compareDrift(b, "hosts-4x10", fleet, bin)
}

func compareDrift(b *testing.B, name, work, bin string) {
	b.Run(fmt.Sprintf("spice-drift/%s", name), func(b *testing.B) {
		spice := testsupport.NewSpice(b, work, bin)
		for b.Loop() {
			spice.MustRun(0, "drift")
		}
		b.ReportMetric(float64(spice.PeakRSS())/(1<<20), "peak-MB")
	})
	b.Run(fmt.Sprintf("terraform-refresh-only/%s", name), func(b *testing.B) {
		tf := testsupport.NewTerraform(b, work, bin)
		for b.Loop() {
			tf.MustRun(0, "plan", "-refresh-only", "-detailed-exitcode")
		}
		b.ReportMetric(float64(tf.PeakRSS())/(1<<20), "peak-MB")
	})
}
