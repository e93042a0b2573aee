package backup

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// BenchmarkRun measures backup throughput (MB/s of source data) and the
// peak Go heap during a run (peak-heap-MB): a 100 MB command stream and a
// tree of 2,000 files must be streamed, so the heap stays far below the
// data size.
func BenchmarkRun(b *testing.B) {
	_, cases := benchDataSets(b)
	for _, c := range cases {
		for _, compression := range []string{CompressionNone, CompressionGzip, CompressionZstd} {
			b.Run(c.name+"/"+compression, func(b *testing.B) {
				p := testPolicy(b, c.source)
				p.Compression = compression
				b.SetBytes(c.bytes)
				peak := watchHeap()
				for b.Loop() {
					res, err := Run(context.Background(), p, Options{})
					if err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					if err := os.RemoveAll(filepath.Join(p.Destination, res.ID)); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
			})
		}
	}
}

// watchHeap samples the live heap every millisecond until the returned
// function is called, which returns the peak seen.
func watchHeap() func() uint64 {
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// benchCase is one source of the backup benchmarks and its size.
type benchCase struct {
	name   string
	source Source
	bytes  int64
}

// benchDataSets writes the backup benchmarks' data into a directory of
// their own (returned): a 100 MB stream read by a command source and a
// tree of 2,000 files of 32 KB, both random (incompressible).
func benchDataSets(b *testing.B) (string, []benchCase) {
	data := b.TempDir()
	const streamSize = 100 << 20
	writeRandom(b, filepath.Join(data, "stream.bin"), streamSize, 1)
	const files, fileSize = 2000, 32 << 10
	for i := range files {
		dir := filepath.Join(data, "tree", fmt.Sprintf("d%02d", i%50))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		writeRandom(b, filepath.Join(dir, fmt.Sprintf("f%04d", i)), fileSize, uint64(i))
	}
	return data, []benchCase{
		{"command-100MB", Source{Name: "stream", Command: []string{"cat", filepath.Join(data, "stream.bin")}}, streamSize},
		{"tree-2000x32KB", Source{Name: "tree", BaseDir: data, Paths: []string{"tree"}}, files * fileSize},
	}
}

// writeRandom writes size random bytes from seed into path, 1 MiB at a
// time: a child process starts from its parent's peak RSS, so the
// benchmarks keep the test process small.
func writeRandom(b *testing.B, path string, size int, seed uint64) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	buf := make([]byte, min(size, 1<<20))
	for left := size; left > 0; left -= len(buf) {
		buf = buf[:min(left, len(buf))]
		_, _ = r.Read(buf)
		if _, err := f.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
