package backup_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/backup"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// BenchmarkCompression backs up a tree of files with the real spice binary
// (`spice backup run`, then `spice backup restore -to`) compressing with
// zstd (the default) and gzip level 1 (the default before zstd), next to the
// floors of GNU tar piped into `gzip -1` and `zstd -1` (one core, as zstd's
// command line compresses by default) and `zstd -1 -T0` (every core). Two
// data sets: JSON log lines (compressible, about 6x) and random bytes.
// SPICE_BENCH_COMPRESSION_MB sets their size (default 100). It reports,
// per backup: MB/s of source data (wall clock: noise on a loaded machine),
// ratio (source/stored), cpu-s (user+sys of the process tree), peak-RSS-MB
// (the largest process of the tree, from GNU time) and restore-MB/s.
func BenchmarkCompression(b *testing.B) {
	bin := testsupport.BuildBinary(b)
	size := 100
	if v := os.Getenv("SPICE_BENCH_COMPRESSION_MB"); v != "" {
		var err error
		if size, err = strconv.Atoi(v); err != nil || size < 1 {
			b.Fatalf("SPICE_BENCH_COMPRESSION_MB=%q: want a number of megabytes", v)
		}
	}
	for _, tool := range []string{"tar", "gzip", "zstd", "/usr/bin/time"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Fatalf("%s is needed (scripts/install-test-deps.sh bench installs it): %v", tool, err)
		}
	}
	const fileMB = 4
	for _, set := range []struct {
		name  string
		write func(path string, seed uint64)
	}{
		{"json-logs", func(path string, seed uint64) { backup.WriteLogLike(b, path, fileMB<<20, seed) }},
		{"random", func(path string, seed uint64) { backup.WriteRandom(b, path, fileMB<<20, seed) }},
	} {
		data := b.TempDir()
		files := max(size/fileMB, 1)
		for i := range files {
			dir := filepath.Join(data, "src", fmt.Sprintf("d%d", i%8))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Fatal(err)
			}
			set.write(filepath.Join(dir, fmt.Sprintf("f%03d.log", i)), uint64(i))
		}
		bytes := int64(files) * fileMB << 20
		for _, compression := range []string{backup.CompressionZstd, backup.CompressionGzip} {
			b.Run(fmt.Sprintf("%s-%dMB/spice-%s", set.name, bytes>>20, compression), func(b *testing.B) {
				benchSpice(b, bin, data, compression, bytes)
			})
		}
		for _, floor := range []struct{ name, compress, decompress string }{
			{"tar-gzip-1", "gzip -1", "gzip -dc"},
			{"tar-zstd-1", "zstd -1 -q", "zstd -dcq"},
			{"tar-zstd-1-T0", "zstd -1 -T0 -q", "zstd -dcq"},
		} {
			b.Run(fmt.Sprintf("%s-%dMB/%s", set.name, bytes>>20, floor.name), func(b *testing.B) {
				archive := filepath.Join(b.TempDir(), "archive")
				benchCommands(b, bytes, archive,
					[]string{"sh", "-c", fmt.Sprintf(`tar -C %s -cf - src | %s > %s`, data, floor.compress, archive)},
					func(to string) []string {
						return []string{"sh", "-c", fmt.Sprintf(`%s %s | tar -C %s -xf -`, floor.decompress, archive, to)}
					})
			})
		}
	}
}

// benchSpice backs up data/src with spice's own agent and restores it.
func benchSpice(b *testing.B, bin, data, compression string, bytes int64) {
	dir := b.TempDir()
	p := backup.Policy{
		Name: "bench", Destination: filepath.Join(dir, "backups"), Compression: compression,
		Sources: []backup.Source{{Name: "src", BaseDir: data, Paths: []string{"src"}}},
	}
	raw, _ := json.Marshal(p)
	policyFile := filepath.Join(dir, "bench.json")
	if err := os.WriteFile(policyFile, raw, 0o600); err != nil {
		b.Fatal(err)
	}
	spice := filepath.Join(bin, "spice")
	benchCommands(b, bytes, "", []string{spice, "backup", "run", "-policy", policyFile}, func(to string) []string {
		backups, err := backup.List(&p)
		if err != nil || len(backups) == 0 {
			b.Fatalf("no backup to restore: %v", err)
		}
		return []string{spice, "backup", "restore", "-policy", policyFile, "-to", to, backups[len(backups)-1].ID}
	})
}

// benchCommands runs backup (whose result is archive, or the newest
// backup in the policy's destination when archive is empty) and then
// restore into a fresh directory, b.N times, and reports the metrics.
func benchCommands(b *testing.B, bytes int64, archive string, backupArgv []string, restoreArgv func(to string) []string) {
	b.SetBytes(bytes)
	var cpu, restoreWall time.Duration
	var peakRSS, stored int64
	for b.Loop() {
		runCPU, rss := runMeasured(b, backupArgv)
		cpu += runCPU
		peakRSS = max(peakRSS, rss)
		b.StopTimer()
		stored = storedBytes(b, archive, backupArgv)
		to := b.TempDir()
		start := time.Now()
		runMeasured(b, restoreArgv(to))
		restoreWall += time.Since(start)
		if archive == "" { // the next backup writes its own directory
			for _, a := range backupArgv {
				if strings.HasSuffix(a, ".json") {
					_ = os.RemoveAll(filepath.Join(filepath.Dir(a), "backups"))
				}
			}
		}
		_ = os.RemoveAll(to)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(bytes)/float64(stored), "ratio")
	b.ReportMetric(cpu.Seconds()/n, "cpu-s")
	b.ReportMetric(float64(peakRSS)/(1<<20), "peak-RSS-MB")
	b.ReportMetric(float64(bytes)/(1<<20)/(restoreWall.Seconds()/n), "restore-MB/s")
}

// runMeasured runs argv under GNU time, whose report covers the process
// tree (the shell, tar and the compressor; or spice) and, unlike the
// rusage this test process gets for a child it starts itself, does not
// count this process's own memory in the peak.
func runMeasured(b *testing.B, argv []string) (cpu time.Duration, maxRSS int64) {
	report := filepath.Join(b.TempDir(), "time")
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%U %S %M", "-o", report}, argv...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		b.Fatal(err)
	}
	var user, sys float64
	var kb int64
	if _, err := fmt.Sscanf(string(raw), "%g %g %d", &user, &sys, &kb); err != nil {
		b.Fatalf("GNU time report %q: %v", raw, err)
	}
	return time.Duration((user + sys) * float64(time.Second)), kb << 10
}

// storedBytes is the size of archive, or of the files of the newest backup
// of the policy that backupArgv ran.
func storedBytes(b *testing.B, archive string, backupArgv []string) int64 {
	if archive != "" {
		info, err := os.Stat(archive)
		if err != nil {
			b.Fatal(err)
		}
		return info.Size()
	}
	p, err := backup.LoadPolicy(backupArgv[len(backupArgv)-1])
	if err != nil {
		b.Fatal(err)
	}
	backups, err := backup.List(p)
	if err != nil || len(backups) == 0 || !backups[len(backups)-1].Complete() {
		b.Fatalf("no complete backup: %+v %v", backups, err)
	}
	return backups[len(backups)-1].Bytes
}
