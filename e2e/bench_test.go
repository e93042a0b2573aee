package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// BenchmarkTerraformPlanConverged measures terraform plan (with refresh)
// on a converged configuration of 500 files: the baseline the standalone
// engine is compared against.
func BenchmarkTerraformPlanConverged(b *testing.B) {
	const files = 500
	bin := testsupport.BuildBinary(b)
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
`, root, files)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	tf := testsupport.NewTerraform(b, work, bin)
	tf.MustRun(0, "apply", "-auto-approve", "-parallelism=10")
	for b.Loop() {
		tf.MustRun(0, "plan", "-detailed-exitcode")
	}
	b.ReportMetric(float64(files), "resources")
}
