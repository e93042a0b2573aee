package backup

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkEngines compares the restic engine with the native one (its
// default compression) on the data sets of BenchmarkRun: a first backup
// into an empty destination or repository (MB/s), and a backup of
// unchanged data after one (its time, and stored-bytes: what it added to
// the destination or repository). cpu-s is user+sys of this process and
// its children (restic, cat) per backup. The RSS figures are high-water
// marks of the whole benchmark process so far: self-peak-RSS-MB is this
// process's (the native engine's peak, since native runs first in each
// case), child-peak-RSS-MB the largest child's (restic's peak; a child
// starts from its parent's peak, so the data is written in small chunks);
// peak-heap-MB is the Go heap during the sub-benchmark.
func BenchmarkEngines(b *testing.B) {
	if _, err := exec.LookPath("restic"); err != nil {
		b.Skip("restic is not installed (scripts/install-test-deps.sh installs it)")
	}
	data, cases := benchDataSets(b)
	password := filepath.Join(data, "password")
	if err := os.WriteFile(password, []byte("bench"), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		for _, engine := range []string{EngineNative, EngineRestic} {
			policy := func(b *testing.B) *Policy {
				p := testPolicy(b, c.source)
				p.Retention = Retention{}
				if engine == EngineRestic {
					p.Engine, p.Repository, p.PasswordFile = EngineRestic, filepath.Join(filepath.Dir(p.Destination), "repo"), password
				}
				return p
			}
			run := func(b *testing.B, p *Policy) *Result {
				res, err := EngineOf(p).Run(context.Background(), Options{})
				if err != nil {
					b.Fatal(err)
				}
				return res
			}
			b.Run(c.name+"/"+engine+"/first", func(b *testing.B) {
				b.SetBytes(c.bytes)
				peak, cpu := watchHeap(), cpuClock()
				for b.Loop() {
					b.StopTimer()
					p := policy(b)
					b.StartTimer()
					run(b, p)
				}
				reportUsage(b, cpu, peak)
			})
			b.Run(c.name+"/"+engine+"/unchanged", func(b *testing.B) {
				p := policy(b)
				run(b, p)
				// Distinct backup IDs: at most one backup per second.
				next := time.Now()
				opts := Options{Now: func() time.Time { next = next.Add(time.Second); return next }}
				var stored int64
				peak, cpu := watchHeap(), cpuClock()
				for b.Loop() {
					res, err := EngineOf(p).Run(context.Background(), opts)
					if err != nil {
						b.Fatal(err)
					}
					stored += res.Metadata.Bytes
				}
				reportUsage(b, cpu, peak)
				b.ReportMetric(float64(stored)/float64(b.N), "stored-bytes/op")
			})
		}
	}
}

// cpuClock starts counting user+sys seconds of this process and its
// waited-for children; the returned function reads the count.
func cpuClock() func() float64 {
	read := func() float64 {
		var total float64
		for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
			var ru syscall.Rusage
			_ = syscall.Getrusage(who, &ru)
			total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
		}
		return total
	}
	start := read()
	return func() float64 { return read() - start }
}

func reportUsage(b *testing.B, cpu func() float64, peakHeap func() uint64) {
	b.ReportMetric(cpu()/float64(b.N), "cpu-s/op")
	for who, unit := range map[int]string{syscall.RUSAGE_SELF: "self-peak-RSS-MB", syscall.RUSAGE_CHILDREN: "child-peak-RSS-MB"} {
		var ru syscall.Rusage
		_ = syscall.Getrusage(who, &ru)
		b.ReportMetric(float64(ru.Maxrss)/1024, unit)
	}
	b.ReportMetric(float64(peakHeap())/(1<<20), "peak-heap-MB")
}
