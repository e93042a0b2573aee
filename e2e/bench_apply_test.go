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
// time, CPU time and peak memory (the goal: under 30 s and 300 MB).
func BenchmarkApplyTenThousand(b *testing.B) {
	benchApplyNew(b, func() string { return newFilesConfig(b, 10000) })
}

// mixedConfig writes, into a fresh working directory, n objects of the
// kinds the crash trials use, none applied yet: per directory a secret, an
// env file holding it and two files (n/5 directories).
func mixedConfig(b *testing.B, n int) (work string) {
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
resource "spice_secret" "s" {
  count = %[2]d
}
resource "spice_directory" "d" {
  count = %[2]d
  path  = "/srv/app/${count.index}"
  mode  = "0750"
}
resource "spice_env_file" "e" {
  count     = %[2]d
  path      = "${spice_directory.d[count.index].path}/app.env"
  variables = { INDEX = count.index }
  sensitive_variables = {
    SECRET = spice_secret.s[count.index].result
  }
}
resource "spice_file" "f" {
  count   = %[3]d
  path    = "${spice_directory.d[count.index %% %[2]d].path}/f${count.index}.conf"
  content = "index = ${count.index}\n"
}
`, b.TempDir(), n/5, 2*n/5)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	return work
}

// BenchmarkApplyMixed measures spice applying 10,000 new objects of four
// kinds that depend on each other (secrets, directories, env files, files):
// the same targets as BenchmarkApplyTenThousand, and CPU time.
func BenchmarkApplyMixed(b *testing.B) {
	benchApplyNew(b, func() string { return mixedConfig(b, 10000) })
}

// benchApplyNew times spice applying, in each iteration, the configuration
// of a fresh working directory from work (made untimed), and reports its
// peak RSS and CPU time.
func benchApplyNew(b *testing.B, work func() string) {
	bin := testsupport.BuildBinary(b)
	var peak int64
	var cpu float64
	for range b.N {
		b.StopTimer()
		spice := testsupport.NewSpice(b, work(), bin)
		b.StartTimer()
		spice.MustRun(0, "apply", "-auto-approve")
		peak = max(peak, spice.PeakRSS())
		cpu += spice.CPUTime().Seconds()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	b.ReportMetric(cpu/float64(b.N), "cpu-s")
}
