package backup

import (
	"compress/gzip"
	"fmt"
	"io"
	"runtime"

	"github.com/klauspost/compress/zstd"
)

// compressionSuffix ends the name of an archive of each compression.
var compressionSuffix = map[string]string{CompressionZstd: ".zst", CompressionGzip: ".gz", CompressionNone: ""}

// zstdMaxWindow bounds what a restore allocates for one zstd frame: spice
// writes windows of at most 8 MiB, and a hostile archive must not make a
// restore reserve gigabytes.
const zstdMaxWindow = 64 << 20

// newCompressor compresses into w, or returns nil for no compression.
// zstd runs asynchronously (WithEncoderConcurrency above 1): one goroutine
// encodes a block while the caller reads and tars the next, and another
// writes and hashes the previous one, so one stream keeps both cores of a
// small host busy. Its output is one ordinary zstd frame (`zstd -d`,
// `tar --zstd` read it). WithConcurrentBlocks, which splits a stream into
// sections encoded at once, measured 2-3x the CPU time and up to 300 MB
// RSS (v1.20.1, 32 MB of random files): not used. gzip is the standard
// library's, on one core, kept for archives that must be .tar.gz.
func newCompressor(w io.Writer, compression string, level int) (io.WriteCloser, error) {
	switch compression {
	case CompressionNone:
		return nil, nil
	case CompressionGzip:
		return gzip.NewWriterLevel(w, level)
	case CompressionZstd:
		return zstd.NewWriter(w,
			zstd.WithEncoderLevel(zstd.EncoderLevel(level)),
			zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
	}
	return nil, fmt.Errorf("compression %q is not supported", compression)
}

// newDecompressor reads what newCompressor wrote with compression, as
// recorded in a backup's metadata (not the policy's current compression:
// backups taken before a change keep theirs). An unknown compression is
// refused rather than restored as raw bytes.
func newDecompressor(r io.Reader, compression string) (io.ReadCloser, error) {
	switch compression {
	case CompressionNone:
		return io.NopCloser(r), nil
	case CompressionGzip:
		return gzip.NewReader(r)
	case CompressionZstd:
		d, err := zstd.NewReader(r, zstd.WithDecoderMaxWindow(zstdMaxWindow))
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	}
	return nil, fmt.Errorf("compression %q in metadata is not supported", compression)
}
