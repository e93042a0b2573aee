package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

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
// converged configurations, side by side: each iteration runs one plan of
// each, so that both sides see the same load. It reports the median time
// of each, their ratio (x-faster: terraform's time over spice's), the
// same for CPU time (user and system, terraform's with its provider
// plugin's: the measure a loaded machine disturbs least) and the peak RSS
// of each (terraform's own process, not its provider plugin).
func BenchmarkPlanConverged(b *testing.B) {
	for _, n := range []int{100, 500, 2000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			work, bin := convergedFiles(b, n) // before b.Loop: not timed
			spice, tf := testsupport.NewSpice(b, work, bin), testsupport.NewTerraform(b, work, bin)
			var spiceTimes, tfTimes []time.Duration
			for b.Loop() {
				spiceTimes = append(spiceTimes, timed(func() { spice.MustRun(0, "plan", "-detailed-exitcode") }))
				tfTimes = append(tfTimes, timed(func() { tf.MustRun(0, "plan", "-detailed-exitcode") }))
			}
			spiceMedian, tfMedian := median(spiceTimes), median(tfTimes)
			b.ReportMetric(spiceMedian.Seconds(), "spice-s")
			b.ReportMetric(tfMedian.Seconds(), "terraform-s")
			b.ReportMetric(tfMedian.Seconds()/spiceMedian.Seconds(), "x-faster")
			b.ReportMetric(spice.CPUTime().Seconds()/float64(len(spiceTimes)), "spice-cpu-s")
			b.ReportMetric(tf.CPUTime().Seconds()/float64(len(tfTimes)), "terraform-cpu-s")
			b.ReportMetric(tf.CPUTime().Seconds()/spice.CPUTime().Seconds(), "x-less-cpu")
			b.ReportMetric(float64(spice.PeakRSS())/(1<<20), "spice-peak-MB")
			b.ReportMetric(float64(tf.PeakRSS())/(1<<20), "terraform-peak-MB")
		})
	}
}

func timed(run func()) time.Duration {
	start := time.Now()
	run()
	return time.Since(start)
}

func median(ds []time.Duration) time.Duration {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

// BenchmarkPlanTenThousand measures spice planning 10,000 spice_file
// resources: converged (every file in place, nothing to do) and from
// nothing (all to be created); time and peak memory.
func BenchmarkPlanTenThousand(b *testing.B) {
	const n = 10000
	bin := testsupport.BuildBinary(b)
	b.Run("converged", func(b *testing.B) {
		spice := testsupport.NewSpice(b, convergedFilesFromOne(b, bin, n), bin)
		runs := 0
		for b.Loop() {
			spice.MustRun(0, "plan", "-detailed-exitcode")
			runs++
		}
		b.ReportMetric(float64(spice.PeakRSS())/(1<<20), "peak-MB")
		b.ReportMetric(spice.CPUTime().Seconds()/float64(runs), "cpu-s")
	})
	b.Run("create", func(b *testing.B) {
		work := b.TempDir()
		writeFilesConfig(b, work, b.TempDir(), n)
		spice := testsupport.NewSpice(b, work, bin)
		for b.Loop() {
			spice.MustRun(2, "plan", "-detailed-exitcode")
		}
		b.ReportMetric(float64(spice.PeakRSS())/(1<<20), "peak-MB")
	})
}

// writeFilesConfig writes the configuration of n spice_file resources
// under root into work.
func writeFilesConfig(b *testing.B, work, root string, n int) {
	b.Helper()
	cfg := fmt.Sprintf(`
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
}

// convergedFilesFromOne is convergedFiles for n too large to apply in a
// benchmark's setup: spice applies the first file, and its state instance
// is copied for the other n-1, whose files are written as spice would
// write them. The benchmark's plans (exit code 0 of -detailed-exitcode)
// prove the result converged.
func convergedFilesFromOne(b *testing.B, bin string, n int) string {
	b.Helper()
	work, root := b.TempDir(), b.TempDir()
	writeFilesConfig(b, work, root, 1)
	testsupport.NewSpice(b, work, bin).MustRun(0, "apply", "-auto-approve")
	statePath := filepath.Join(work, "terraform.tfstate")
	raw, err := os.ReadFile(statePath)
	if err != nil {
		b.Fatal(err)
	}
	// Only what is copied is decoded; the rest stays as spice wrote it.
	var st map[string]json.RawMessage
	var resources []map[string]json.RawMessage
	var first map[string]json.RawMessage
	var attrs map[string]any
	unmarshal := func(data []byte, into any) {
		if err := json.Unmarshal(data, into); err != nil {
			b.Fatalf("state of one applied file: %v", err)
		}
	}
	unmarshal(raw, &st)
	unmarshal(st["resources"], &resources)
	var firstOnly []map[string]json.RawMessage
	unmarshal(resources[0]["instances"], &firstOnly)
	first = firstOnly[0]
	unmarshal(first["attributes"], &attrs)
	marshal := func(v any) json.RawMessage {
		out, err := json.Marshal(v)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	instances := []map[string]json.RawMessage{first}
	for i := 1; i < n; i++ {
		content, p := fmt.Sprintf("index = %d\n", i), fmt.Sprintf("/etc/app/conf.d/%d.conf", i)
		if err := os.WriteFile(filepath.Join(root, p), []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
		sum := sha256.Sum256([]byte(content))
		attrs["content"], attrs["id"], attrs["path"], attrs["sha256"] = content, p, p, hex.EncodeToString(sum[:])
		inst := maps.Clone(first)
		delete(inst, "private") // only the first file's create brought parent directories along
		inst["index_key"], inst["attributes"] = marshal(i), marshal(attrs)
		instances = append(instances, inst)
	}
	resources[0]["instances"] = marshal(instances)
	st["resources"] = marshal(resources)
	if err := os.WriteFile(statePath, marshal(st), 0o600); err != nil {
		b.Fatal(err)
	}
	writeFilesConfig(b, work, root, n)
	return work
}
