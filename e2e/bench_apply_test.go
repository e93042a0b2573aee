package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// newFilesConfig writes, into a fresh working directory, a configuration
// of n spice_file resources below a fresh root, none of them applied yet.
func newFilesConfig(b *testing.B, n int) (work string) {
	b.Helper()
	work = b.TempDir()
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
`, b.TempDir(), n)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	return work
}

// BenchmarkApplyNew compares spice apply with terraform apply (the same
// provider binary through dev_overrides) creating 2,000 files, side by
// side; each iteration starts from nothing. Peak RSS is a metric.
func BenchmarkApplyNew(b *testing.B) {
	bin := testsupport.BuildBinary(b)
	const n = 2000
	for _, frontEnd := range []string{"spice", "terraform"} {
		b.Run(fmt.Sprintf("%s/%d", frontEnd, n), func(b *testing.B) {
			var peak int64
			for range b.N {
				b.StopTimer()
				work := newFilesConfig(b, n)
				run := testsupport.NewSpice(b, work, bin)
				if frontEnd == "terraform" {
					run = testsupport.NewTerraform(b, work, bin)
				}
				b.StartTimer()
				run.MustRun(0, "apply", "-auto-approve")
				peak = max(peak, run.PeakRSS())
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
		})
	}
}

// BenchmarkApplyTenThousand measures spice applying 10,000 new files:
// time and peak memory (the goal: under 30 s and 300 MB).
func BenchmarkApplyTenThousand(b *testing.B) {
	bin := testsupport.BuildBinary(b)
	var peak int64
	for range b.N {
		b.StopTimer()
		spice := testsupport.NewSpice(b, newFilesConfig(b, 10000), bin)
		b.StartTimer()
		spice.MustRun(0, "apply", "-auto-approve")
		peak = max(peak, spice.PeakRSS())
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
}
