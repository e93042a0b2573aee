package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// BenchmarkStateBackends: plan and apply of 500 files (every one updated
// in each iteration), local backend against backend "pg", spice against
// Terraform (the same provider, installed from a filesystem mirror), side
// by side. spice saves the state after every object, Terraform at the
// end: with pg that is 500 writes of the whole state against one.
func BenchmarkStateBackends(b *testing.B) {
	const n = 500
	bin := testsupport.BuildBinary(b)
	pg := testsupport.SharedPostgres(b)
	for _, backend := range []string{"local", "pg"} {
		for _, front := range []string{"spice", "terraform"} {
			b.Run(fmt.Sprintf("%s/%s/%d", backend, front, n), func(b *testing.B) {
				root, work := b.TempDir(), b.TempDir()
				block := ""
				if backend == "pg" {
					block = `backend "pg" {}`
				}
				cfg := fmt.Sprintf(`
terraform {
  %s
  required_providers {
    spice = { source = "spice-harvester/spice" }
  }
}
variable "round" {
  type    = number
  default = 0
}
provider "spice" {
  root = %q
}
resource "spice_file" "f" {
  count   = %d
  path    = "/etc/app/conf.d/${count.index}.conf"
  content = "index = ${count.index}, round ${var.round}\n"
}
`, block, root, n)
				if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644); err != nil {
					b.Fatal(err)
				}
				env := "PG_CONN_STR=" + pg.NewDatabase(b)
				run := testsupport.NewSpiceEnv(b, work, bin, env)
				if front == "terraform" {
					run = testsupport.NewTerraformMirrored(b, work, bin, env)
					run.MustRun(0, "init", "-input=false")
				}
				round := 0
				for b.Loop() {
					round++
					out := run.MustRun(0, "apply", "-auto-approve", fmt.Sprintf("-var=round=%d", round))
					if !strings.Contains(out, "Apply complete!") {
						b.Fatalf("apply did not complete:\n%s", out)
					}
				}
			})
		}
	}
}
