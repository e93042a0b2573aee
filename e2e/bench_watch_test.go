package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// BenchmarkWatchLocalLatency is spice watch's detection-to-repaired
// latency for a local managed file: from the edit to the "repaired" log
// line (the apply done, the state saved), over b.N edits of files among
// 10 and among 1,000 managed ones; p50 and p99 are reported. Run with
// -benchtime=200x for the 200 edits.
func BenchmarkWatchLocalLatency(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) { benchWatchLatency(b, n) })
	}
}

func benchWatchLatency(b *testing.B, n int) {
	work, bin := convergedFiles(b, n)
	root := rootOf(b, work)
	// Each of n files is edited b.N/n times: with few files that is
	// flapping by watch's default allowance, which is not measured here.
	logs, stop, pid := startWatchProcessPID(b, bin, work, "-interval=1h", "-flap-repairs=1000000")
	_, next := logs.Wait(b, 0, "watching", testsupport.Msg("watching"))
	var latencies []time.Duration
	cpuBefore := cpuTime(b, pid)
	i := 0
	for b.Loop() {
		idx := (i * 7) % n
		i++
		file := filepath.Join(root, "etc/app/conf.d", strconv.Itoa(idx)+".conf")
		edited := time.Now()
		if err := os.WriteFile(file, []byte("edited\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		_, next = logs.Wait(b, next, "repaired", testsupport.Msg("repaired", "address", fmt.Sprintf("spice_file.f[%d]", idx)))
		latencies = append(latencies, time.Since(edited))
	}
	// The CPU time a repair costs the watcher: unlike the latency, it
	// hardly depends on what else the machine runs.
	b.ReportMetric(float64((cpuTime(b, pid)-cpuBefore).Milliseconds())/float64(len(latencies)), "cpu-ms/repair")
	stop()
	reportPercentiles(b, latencies)
}

// BenchmarkWatchRemoteLatency is spice watch's detection-to-repaired
// latency for a file on a container host through the event stream: from
// the write (through the container's root, so inotify inside sees it) to
// the "repaired" log line with trigger "event stream", over b.N edits;
// p50 and p99 are reported. The interval check is an hour away: only the
// stream can repair in time.
func BenchmarkWatchRemoteLatency(b *testing.B) {
	bin := testsupport.BuildBinary(b)
	h := testhosts.Start(b, 1)[0]
	work := b.TempDir()
	cfg := h.SpiceProvider() + `
resource "spice_file" "conf" {
  path    = "/etc/spice-watch/app.conf"
  content = "declared\n"
}
resource "spice_backup_policy" "conf" {
  name        = "conf"
  schedule    = "daily"
  destination = "/var/backups/spice/conf"
  source {
    name     = "conf"
    base_dir = "/etc/spice-watch"
    paths    = ["app.conf"]
  }
  depends_on = [spice_file.conf]
}
`
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	testsupport.NewSpice(b, work, bin).MustRun(0, "apply", "-auto-approve")
	// Every edit is a new drift of the same object: flapping protection
	// must not stop the repairs.
	logs, stop := startWatchProcess(b, bin, work, "-interval=1h", "-flap-repairs=1000000")
	_, next := logs.Wait(b, 0, "event stream ready", testsupport.Msg("event stream ready", "host", "spice"))
	file := filepath.Join(h.Root(), "etc/spice-watch/app.conf")
	var latencies []time.Duration
	for b.Loop() {
		edited := time.Now()
		if err := os.WriteFile(file, []byte("edited\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		// Any trigger: a refresh that races the edit fails and is retried
		// (trigger "retry"), an outlier the percentiles should show.
		_, next = logs.Wait(b, next, "repaired", testsupport.Msg("repaired", "address", "spice_file.conf"))
		latencies = append(latencies, time.Since(edited))
	}
	stop()
	reportPercentiles(b, latencies)
}

// reportPercentiles reports the p50 and p99 of latencies in milliseconds.
func reportPercentiles(b *testing.B, latencies []time.Duration) {
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkWatchIdle is the CPU and memory of an idle spice watch managing
// 1,000 local files (fsnotify on their directory) and 4 container hosts
// (a file and a sysctl each, the file watched through the host's event
// stream), at the default -interval (60s): every host is checked once a
// minute. CPU time over SPICE_BENCH_IDLE (default 20s; the figure
// is 5m) as a share of one core, and the resident set size at the end.
func BenchmarkWatchIdle(b *testing.B) {
	idle := 20 * time.Second
	if v := os.Getenv("SPICE_BENCH_IDLE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("SPICE_BENCH_IDLE: %v", err)
		}
		idle = d
	}
	work, bin := convergedFiles(b, 1000)
	var hosts strings.Builder
	for i, h := range testhosts.Start(b, 4) {
		alias := fmt.Sprintf("h%d", i)
		hosts.WriteString(strings.Replace(h.SpiceProvider(), "{\n", fmt.Sprintf("{\n  alias = %q\n", alias), 1))
		fmt.Fprintf(&hosts, `
resource "spice_file" "%[1]s" {
  provider = spice.%[1]s
  path     = "/etc/spice-watch/app.conf"
  content  = "declared\n"
}
resource "spice_sysctl" "%[1]s" {
  provider = spice.%[1]s
  name     = "net.ipv4.tcp_keepalive_time"
  value    = "600"
}
`, alias)
	}
	if err := os.WriteFile(filepath.Join(work, "hosts.tf"), []byte(hosts.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	testsupport.NewSpice(b, work, bin).MustRun(0, "apply", "-auto-approve")
	for b.Loop() {
		logs, stop, pid := startWatchProcessPID(b, bin, work)
		logs.Wait(b, 0, "watching", testsupport.Msg("watching"))
		for i := range 4 {
			logs.Wait(b, 0, "event stream", testsupport.Msg("event stream ready", "host", fmt.Sprintf("spice.h%d", i)))
		}
		before, fdsBefore := cpuTime(b, pid), openFiles(b, pid)
		time.Sleep(idle) // the measurement itself: an idle period
		used := cpuTime(b, pid) - before
		b.ReportMetric(100*used.Seconds()/idle.Seconds(), "cpu-%")
		b.ReportMetric(float64(rssKiB(b, pid))/1024, "rss-MB")
		// Host checks reconnect; a connection not closed shows here.
		b.ReportMetric(float64(openFiles(b, pid)-fdsBefore), "fds-grown")
		stop()
	}
}

// openFiles is the number of a process's open file descriptors.
func openFiles(b *testing.B, pid int) int {
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		b.Fatal(err)
	}
	return len(fds)
}

// rootOf is the root of the provider block convergedFiles wrote.
func rootOf(b *testing.B, work string) string {
	cfg, err := os.ReadFile(filepath.Join(work, "main.tf"))
	if err != nil {
		b.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(cfg), "root = \"")
	root, _, _ := strings.Cut(rest, "\"")
	return root
}

// cpuTime is a process's user and system CPU time (/proc/PID/stat).
func cpuTime(b *testing.B, pid int) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	_, after, _ := strings.Cut(string(stat), ") ")
	fields := strings.Fields(after)
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const clkTck = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / clkTck
}

// rssKiB is a process's resident set size (/proc/PID/status VmRSS).
func rssKiB(b *testing.B, pid int) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kib
		}
	}
	b.Fatal("no VmRSS")
	return 0
}
