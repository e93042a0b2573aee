package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunVerifyRestore(t *testing.T) {
	for _, compression := range []string{"", CompressionZstd, CompressionGzip, CompressionNone} {
		t.Run("compression="+compression, func(t *testing.T) {
			base := t.TempDir()
			makeTree(t, filepath.Join(base, "data"))
			makeTree(t, filepath.Join(base, "etc", "conf.d"))
			p := testPolicy(t,
				Source{Name: "files", BaseDir: base, Paths: []string{"data", "etc/conf.d"}},
				Source{Name: "db", Command: []string{"sh", "-c", `printf 'bundle-%s' "$0"`, "bytes"}},
			)
			p.Compression = compression
			original := snapshot(t, base)

			res, err := Run(context.Background(), p, Options{Version: "1.2.3"})
			if err != nil {
				t.Fatal(err)
			}
			md, err := Verify(p, res.ID)
			if err != nil {
				t.Fatalf("verify of a fresh backup: %v", err)
			}
			if md.Policy != "test" || md.SpiceVersion != "1.2.3" || len(md.Sources) != 2 || md.Status != StatusComplete {
				t.Fatalf("metadata: %+v", md)
			}
			wantFiles := map[string]string{"": "files.tar.zst", CompressionZstd: "files.tar.zst", CompressionGzip: "files.tar.gz", CompressionNone: "files.tar"}
			if md.Compression != p.compression() || md.Sources[0].File != wantFiles[compression] {
				t.Fatalf("compression %q recorded as %q, archive %s", compression, md.Compression, md.Sources[0].File)
			}
			var total int64
			for _, s := range md.Sources {
				info, err := os.Stat(filepath.Join(p.Destination, res.ID, s.File))
				if err != nil || info.Size() != s.Bytes {
					t.Fatalf("source %s: file %s size %v, metadata %d (%v)", s.Name, s.File, info, s.Bytes, err)
				}
				total += s.Bytes
			}
			backups, err := List(p)
			if err != nil || len(backups) != 1 || !backups[0].Complete() || backups[0].Bytes != total {
				t.Fatalf("list: %+v %v (want one complete of %d bytes)", backups, err, total)
			}

			scratch := filepath.Join(t.TempDir(), "scratch")
			restored, err := Restore(p, res.ID, RestoreOptions{To: scratch})
			if err != nil {
				t.Fatal(err)
			}
			if len(restored) != 2 {
				t.Fatalf("restored %+v", restored)
			}
			assertSameTree(t, snapshot(t, filepath.Join(base, "data")), snapshot(t, filepath.Join(scratch, "data")))
			assertSameTree(t, snapshot(t, filepath.Join(base, "etc", "conf.d")), snapshot(t, filepath.Join(scratch, "etc", "conf.d")))
			if got, err := os.ReadFile(filepath.Join(scratch, "db.out")); err != nil || string(got) != "bundle-bytes" {
				t.Fatalf("command stream restored as %q, %v", got, err)
			}

			// In place: damage the live tree, restore into base_dir.
			if err := os.WriteFile(filepath.Join(base, "data", "a.txt"), []byte("damaged"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(base, "data", "new-file"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(filepath.Join(base, "etc", "conf.d")); err != nil {
				t.Fatal(err)
			}
			if _, err := Restore(p, res.ID, RestoreOptions{Source: "files"}); err != nil {
				t.Fatal(err)
			}
			assertSameTree(t, original, snapshot(t, base))
			noStaging(t, base, scratch)
		})
	}
}

func TestCorruptBackupIsRefused(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(t *testing.T, dir string, md *Metadata)
		wantErr error
	}{
		{"one byte flipped in the paths archive", func(t *testing.T, dir string, md *Metadata) {
			flipByte(t, filepath.Join(dir, md.Sources[0].File))
		}, ErrCorrupt},
		{"one byte flipped in the command stream", func(t *testing.T, dir string, md *Metadata) {
			flipByte(t, filepath.Join(dir, md.Sources[1].File))
		}, ErrCorrupt},
		{"archive truncated", func(t *testing.T, dir string, md *Metadata) {
			if err := os.Truncate(filepath.Join(dir, md.Sources[0].File), md.Sources[0].Bytes-1); err != nil {
				t.Fatal(err)
			}
		}, ErrCorrupt},
		{"archive replaced by a symlink", func(t *testing.T, dir string, md *Metadata) {
			file := filepath.Join(dir, md.Sources[1].File)
			if err := os.Rename(file, file+".moved"); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(md.Sources[1].File+".moved", file); err != nil {
				t.Fatal(err)
			}
		}, ErrCorrupt},
		{"metadata.json removed", func(t *testing.T, dir string, _ *Metadata) {
			if err := os.Remove(filepath.Join(dir, MetadataFile)); err != nil {
				t.Fatal(err)
			}
		}, ErrIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			makeTree(t, filepath.Join(base, "data"))
			p := testPolicy(t,
				Source{Name: "files", BaseDir: base, Paths: []string{"data"}},
				Source{Name: "db", Command: []string{"printf", "stream"}},
			)
			res, err := Run(context.Background(), p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			tt.damage(t, filepath.Join(p.Destination, res.ID), res.Metadata)
			if _, err := Verify(p, res.ID); !errors.Is(err, tt.wantErr) {
				t.Fatalf("verify: got %v, want %v", err, tt.wantErr)
			}
			// A live tree that differs from the backup, and a -to target
			// holding an older restore: neither may change.
			if err := os.WriteFile(filepath.Join(base, "data", "a.txt"), []byte("newer"), 0o644); err != nil {
				t.Fatal(err)
			}
			scratch := t.TempDir()
			if err := os.WriteFile(filepath.Join(scratch, "db.out"), []byte("older"), 0o600); err != nil {
				t.Fatal(err)
			}
			before, beforeScratch := snapshot(t, base), snapshot(t, scratch)
			for _, opts := range []RestoreOptions{{Source: "files"}, {To: scratch}} {
				if _, err := Restore(p, res.ID, opts); !errors.Is(err, tt.wantErr) {
					t.Fatalf("restore %+v: got %v, want refusal with %v", opts, err, tt.wantErr)
				}
			}
			assertSameTree(t, before, snapshot(t, base))
			assertSameTree(t, beforeScratch, snapshot(t, scratch))
		})
	}
}

func flipByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestFailedSourceLeavesABackupThatNeverCounts(t *testing.T) {
	tests := []struct {
		name       string
		source     Source
		wantReason string
	}{
		{"command exits non-zero", Source{Name: "db", Command: []string{"sh", "-c", "echo partial; echo dump exploded >&2; exit 3"}}, "dump exploded"},
		{"command is false", Source{Name: "db", Command: []string{"false"}}, "exit status 1"},
		{"program missing", Source{Name: "db", Command: []string{"/nonexistent/terminusdb"}}, "no such file"},
		{"path missing", Source{Name: "db", BaseDir: "/nonexistent", Paths: []string{"data"}}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			makeTree(t, filepath.Join(base, "data"))
			p := testPolicy(t, Source{Name: "files", BaseDir: base, Paths: []string{"data"}}, tt.source)
			p.MetricsFile = filepath.Join(t.TempDir(), "textfile", "spice_backup.prom")

			res, err := Run(context.Background(), p, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.wantReason) {
				t.Fatalf("run: got %v, want an error containing %q", err, tt.wantReason)
			}
			dir := filepath.Join(p.Destination, res.ID)
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 || entries[0].Name() != FailedFile {
				t.Fatalf("failed backup holds %v, want only %s", entries, FailedFile)
			}
			reason, _ := os.ReadFile(filepath.Join(dir, FailedFile))
			if !strings.Contains(string(reason), tt.wantReason) {
				t.Fatalf("FAILED says %q, want %q in it", reason, tt.wantReason)
			}
			backups, _ := List(p)
			if len(backups) != 1 || backups[0].Status != StatusFailed || backups[0].Complete() {
				t.Fatalf("list: %+v", backups)
			}
			if _, err := Verify(p, res.ID); !errors.Is(err, ErrIncomplete) {
				t.Fatalf("verify: %v", err)
			}
			if _, err := Restore(p, res.ID, RestoreOptions{Source: "files", To: t.TempDir()}); !errors.Is(err, ErrIncomplete) {
				t.Fatalf("restore: %v", err)
			}
			metrics := readFile(t, p.MetricsFile)
			if !strings.Contains(metrics, `spice_backup_last_run_success{policy="test"} 0`) || strings.Contains(metrics, "last_success_timestamp") {
				t.Fatalf("metrics after a failure:\n%s", metrics)
			}
		})
	}
}

func TestIncompleteBackupIsNeverCounted(t *testing.T) {
	p := testPolicy(t, Source{Name: "db", Command: []string{"printf", "x"}})
	good, err := Run(context.Background(), p, Options{Now: fixedClock(time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	// A run killed after writing its archive, before metadata.json.
	killed := filepath.Join(p.Destination, "20261102T020000Z")
	if err := os.Mkdir(killed, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(killed, "db.out.gz"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	backups, _ := List(p)
	if got := strings.Join(ids(backups), " "); got != good.ID+":complete 20261102T020000Z:incomplete" {
		t.Fatalf("list: %s", got)
	}
	if _, err := Verify(p, "20261102T020000Z"); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("verify: %v", err)
	}
	// Retention keeps the complete one, not the newer incomplete one.
	p.Retention = Retention{Days: 1}
	removed, err := Prune(p, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || strings.Join(removed, " ") != "20261102T020000Z" {
		t.Fatalf("prune removed %v, %v", removed, err)
	}
}

func TestMetricsFile(t *testing.T) {
	p := testPolicy(t, Source{Name: "db", Command: []string{"printf", "0123456789"}})
	p.Compression = CompressionNone
	p.MetricsFile = filepath.Join(t.TempDir(), "spice_backup_test.prom")
	start := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	if _, err := Run(context.Background(), p, Options{Now: fixedClock(start)}); err != nil {
		t.Fatal(err)
	}
	metrics := readFile(t, p.MetricsFile)
	for _, want := range []string{
		"# TYPE spice_backup_last_run_success gauge\n",
		`spice_backup_last_run_success{policy="test"} 1` + "\n",
		`spice_backup_last_success_timestamp_seconds{policy="test"} 1795944600` + "\n",
		`spice_backup_last_size_bytes{policy="test"} 10` + "\n",
		`spice_backup_backups{policy="test"} 1` + "\n",
		`spice_backup_last_duration_seconds{policy="test"} `,
		`spice_backup_last_run_duration_seconds{policy="test"} `,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics file lacks %q:\n%s", want, metrics)
		}
	}
	// A failed run later keeps reporting the last success.
	p.Sources[0].Command = []string{"false"}
	if _, err := Run(context.Background(), p, Options{Now: fixedClock(start.Add(time.Hour))}); err == nil {
		t.Fatal("run with a failing command succeeded")
	}
	metrics = readFile(t, p.MetricsFile)
	for _, want := range []string{`spice_backup_last_run_success{policy="test"} 0`, `spice_backup_last_success_timestamp_seconds{policy="test"} 1795944600`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics file after a failure lacks %q:\n%s", want, metrics)
		}
	}
}

func TestCommandOutputIsStreamed(t *testing.T) {
	const size = 64 << 20
	p := testPolicy(t, Source{Name: "dump", Command: []string{"head", "-c", "67108864", "/dev/zero"}})
	p.Compression = CompressionNone
	res, err := Run(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.New()
	if _, err := io.CopyN(sum, zeros{}, size); err != nil {
		t.Fatal(err)
	}
	s := res.Metadata.Sources[0]
	if s.Bytes != size || s.SHA256 != hex.EncodeToString(sum.Sum(nil)) {
		t.Fatalf("stored %d bytes sha256 %s, want %d bytes of zeros", s.Bytes, s.SHA256, size)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestSecondRunFailsFastWhileLocked(t *testing.T) {
	p := testPolicy(t, Source{Name: "db", Command: []string{"printf", "x"}})
	held, err := lockDestination(p)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), p, Options{})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid ") {
		t.Fatalf("run while locked: %v", err)
	}
	if backups, _ := List(p); len(backups) != 0 {
		t.Fatalf("a locked-out run created %v", ids(backups))
	}
	held.release()
	if _, err := Run(context.Background(), p, Options{}); err != nil {
		t.Fatalf("run after the lock was released: %v", err)
	}
}

func TestRunsInTheSameSecondGetDistinctIDs(t *testing.T) {
	p := testPolicy(t, Source{Name: "db", Command: []string{"printf", "x"}})
	clock := fixedClock(time.Date(2026, 11, 29, 9, 30, 0, 500, time.UTC))
	var got []string
	for range 3 {
		res, err := Run(context.Background(), p, Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res.ID)
	}
	if strings.Join(got, " ") != "20261129T093000Z 20261129T093000Z-1 20261129T093000Z-2" {
		t.Fatalf("IDs %v", got)
	}
	backups, _ := List(p)
	if strings.Join(ids(backups), " ") != "20261129T093000Z:complete 20261129T093000Z-1:complete 20261129T093000Z-2:complete" {
		t.Fatalf("list %v", ids(backups))
	}
}

func TestCancelledRunFails(t *testing.T) {
	p := testPolicy(t, Source{Name: "db", Command: []string{"sleep", "60"}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Run(ctx, p, Options{})
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("cancelled run: %v", err)
	}
	if backups, _ := List(p); len(backups) != 1 || backups[0].ID != res.ID || backups[0].Status != StatusFailed {
		t.Fatalf("list %v", ids(backups))
	}
}

func TestMetadataRecordsSources(t *testing.T) {
	base := t.TempDir()
	makeTree(t, filepath.Join(base, "data"))
	p := testPolicy(t, Source{Name: "files", BaseDir: base, Paths: []string{"data"}})
	res, err := Run(context.Background(), p, Options{Version: "v9"})
	if err != nil {
		t.Fatal(err)
	}
	var md Metadata
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(p.Destination, res.ID, MetadataFile))), &md); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	s := md.Sources[0]
	if md.ID != res.ID || md.Host != host || md.Bytes != s.Bytes || s.File != "files.tar.zst" || s.Kind != KindPaths ||
		s.BaseDir != base || len(s.SHA256) != 64 || md.FinishedAt.Before(md.StartedAt) {
		t.Fatalf("metadata %+v", md)
	}
}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
