package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// convergedFiles applies n spice_file resources with spice and returns the
// working directory, ready for plans that find nothing to do.
func convergedFiles(b *testing.B, n int) (work, bin string) {
	b.Helper()
	bin = testsupport.BuildBinary(b)
	root, work := b.TempDir(), b.TempDir()
	cfg := fmt.Sprintf(`
terraform {
  required_providers {
    spice = { source = "spice-harvester/spice" }
  }
}
provider "spice" {
  root = %q
}
resource "spice_file" "f" {
  count   = %d
  path    = "/etc/app/conf.d/${count.index}.conf"
  content = "index = ${count.index}\n"
}
`, root, n)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	testsupport.NewSpice(b, work, bin).MustRun(0, "apply", "-auto-approve")
	return work, bin
}

// BenchmarkPlanConverged compares spice plan with terraform plan (same
// provider binary through dev_overrides, same config and state) on
// converged configurations, side by side. Peak RSS of each run is reported
// as a metric.
func BenchmarkPlanConverged(b *testing.B) {
	for _, n := range []int{100, 500, 2000} {
		work, bin := convergedFiles(b, n)
		b.Run(fmt.Sprintf("spice/%d", n), func(b *testing.B) {
			spice := testsupport.NewSpice(b, work, bin)
			for b.Loop() {
				spice.MustRun(0, "plan", "-detailed-exitcode")
			}
			b.ReportMetric(float64(spice.PeakRSS())/(1<<20), "peak-MB")
		})
		b.Run(fmt.Sprintf("terraform/%d", n), func(b *testing.B) {
			tf := testsupport.NewTerraform(b, work, bin)
			for b.Loop() {
				tf.MustRun(0, "plan", "-detailed-exitcode")
			}
			b.ReportMetric(float64(tf.PeakRSS())/(1<<20), "peak-MB")
		})
	}
}

// BenchmarkPlanTenThousand measures spice planning 10,000 resources (all
// to be created): time and peak memory.
func BenchmarkPlanTenThousand(b *testing.B) {
	bin := testsupport.BuildBinary(b)
	work := b.TempDir()
	cfg := fmt.Sprintf(`
provider "spice" {
  root = %q
}
resource "spice_file" "f" {
  count   = 10000
  path    = "/etc/app/conf.d/${count.index}.conf"
  content = "index = ${count.index}\n"
}
`, b.TempDir())
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	spice := testsupport.NewSpice(b, work, bin)
	for b.Loop() {
		spice.MustRun(2, "plan", "-detailed-exitcode")
	}
	b.ReportMetric(float64(spice.PeakRSS())/(1<<20), "peak-MB")
}
