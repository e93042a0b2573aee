package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// writeLogLike writes size bytes of JSON log lines with random fields: it
// compresses about as well as real logs (about 7x with zstd -1), and being
// random, it cannot be stored by accident as one repeated block.
func writeLogLike(t testing.TB, path string, size int, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	levels := []string{"INFO", "DEBUG", "WARN", "ERROR"}
	b := make([]byte, 0, size+512)
	for len(b) < size {
		b = append(b, `{"ts":"2026-11-29T09:`...)
		b = strconv.AppendInt(b, int64(10+r.IntN(50)), 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(10+r.IntN(50)), 10)
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(r.IntN(1000000)), 10)
		b = append(b, `Z","level":"`...)
		b = append(b, levels[r.IntN(len(levels))]...)
		b = append(b, `","request_id":"`...)
		b = strconv.AppendUint(b, r.Uint64(), 16)
		b = append(b, `","path":"/api/db/admin/db`...)
		b = strconv.AppendInt(b, int64(r.IntN(50)), 10)
		b = append(b, `","status":`...)
		b = strconv.AppendInt(b, int64(200+r.IntN(4)*100), 10)
		b = append(b, `,"duration_ms":`...)
		b = strconv.AppendInt(b, int64(r.IntN(5000)), 10)
		b = append(b, `,"msg":"request served"}`+"\n"...)
	}
	if err := os.WriteFile(path, b[:size], 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestZstdLongStreamRoundTrip: a stream of many blocks, which the
// asynchronous encoder has in flight in several goroutines at once, comes
// back byte for byte, and smaller than gzip's.
func TestZstdLongStreamRoundTrip(t *testing.T) {
	data := filepath.Join(t.TempDir(), "app.log")
	const size = 8 << 20
	writeLogLike(t, data, size, 1)
	want, _ := os.ReadFile(data)
	stored := map[string]int64{}
	for _, c := range []struct {
		compression string
		level       int
	}{{CompressionZstd, 0}, {CompressionGzip, 0}} {
		p := testPolicy(t, Source{Name: "log", Command: []string{"cat", data}})
		p.Compression, p.CompressionLevel = c.compression, c.level
		res, err := Run(context.Background(), p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		to := t.TempDir()
		if _, err := Restore(p, res.ID, RestoreOptions{To: to}); err != nil {
			t.Fatalf("%s level %d: %v", c.compression, c.level, err)
		}
		got, err := os.ReadFile(filepath.Join(to, "log.out"))
		if err != nil || sha256.Sum256(got) != sha256.Sum256(want) {
			t.Fatalf("%s level %d: restored %d bytes, want the %d bytes backed up (%v)", c.compression, c.level, len(got), len(want), err)
		}
		stored[c.compression+strconv.Itoa(c.level)] = res.Metadata.Bytes
	}
	if stored["zstd0"] >= stored["gzip0"] {
		t.Fatalf("stored sizes %v: want zstd level 1 smaller than gzip level 1", stored)
	}
}

// TestGzipBackupsRestoreAfterDefaultChanged: backups taken with gzip, as
// every backup was before zstd became the default, still list, verify and
// restore byte for byte once the policy compresses with zstd: a restore
// reads the compression from the backup's metadata, not from the policy.
func TestGzipBackupsRestoreAfterDefaultChanged(t *testing.T) {
	base := t.TempDir()
	makeTree(t, filepath.Join(base, "data"))
	p := testPolicy(t,
		Source{Name: "files", BaseDir: base, Paths: []string{"data"}},
		Source{Name: "db", Command: []string{"printf", "bundle"}},
	)
	p.Compression = CompressionGzip
	old, err := Run(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p.Compression = ""
	current, err := Run(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	backups, err := List(p)
	if err != nil || len(backups) != 2 || !backups[0].Complete() || !backups[1].Complete() {
		t.Fatalf("list: %+v %v", backups, err)
	}
	for id, want := range map[string][2]string{old.ID: {"files.tar.gz", "db.out.gz"}, current.ID: {"files.tar.zst", "db.out.zst"}} {
		md, err := Verify(p, id)
		if err != nil || md.Sources[0].File != want[0] || md.Sources[1].File != want[1] {
			t.Fatalf("verify %s: %+v %v, want archives %v", id, md, err, want)
		}
		to := t.TempDir()
		if _, err := Restore(p, id, RestoreOptions{To: to}); err != nil {
			t.Fatalf("restore %s: %v", id, err)
		}
		assertSameTree(t, snapshot(t, filepath.Join(base, "data")), snapshot(t, filepath.Join(to, "data")))
		if got, err := os.ReadFile(filepath.Join(to, "db.out")); err != nil || string(got) != "bundle" {
			t.Fatalf("restore %s: db.out %q, %v", id, got, err)
		}
	}
}

// TestZstdFrames: the frames writer's output is one zstd stream for every
// input length around a frame's size, an empty input included, and a
// failing destination fails Close and every later Write.
func TestZstdFrames(t *testing.T) {
	data := make([]byte, 3*zstdFrameSize+1)
	_, _ = rand.NewChaCha8([32]byte{7}).Read(data[:zstdFrameSize]) // one frame incompressible
	for _, n := range []int{0, 1, zstdFrameSize - 1, zstdFrameSize, zstdFrameSize + 1, len(data)} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			var out bytes.Buffer
			w, err := newCompressor(&out, CompressionZstd, 1)
			if err != nil {
				t.Fatal(err)
			}
			// Uneven writes, as tar makes them.
			for rest := data[:n]; len(rest) > 0; {
				k := min(len(rest), 100_003)
				if _, err := w.Write(rest[:k]); err != nil {
					t.Fatal(err)
				}
				rest = rest[k:]
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			r, err := newDecompressor(&out, CompressionZstd)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("read back %d bytes: %v", n, err)
			}
			if !bytes.Equal(got, data[:n]) {
				t.Fatalf("read back %d bytes of %d written, not the same", len(got), n)
			}
		})
	}
	t.Run("failing destination", func(t *testing.T) {
		full := errors.New("no space left")
		w, err := newCompressor(failingWriter{full}, CompressionZstd, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatalf("the first frames are taken before any is written: %v", err)
		}
		if err := w.Close(); !errors.Is(err, full) {
			t.Fatalf("Close = %v, want the destination's error", err)
		}
		if _, err := w.Write(data[:1]); err == nil {
			t.Fatal("a Write after a failed Close succeeded")
		}
	})
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }
