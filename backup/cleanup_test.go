package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRunRemovesIncompleteBackups: a run first removes the directories
// killed runs left (no metadata.json, no FAILED), whatever they hold, and
// nothing else: complete and failed backups, a backup whose metadata.json
// is unreadable, other names and symlinks stay. It says so in its result
// and its metrics.
func TestRunRemovesIncompleteBackups(t *testing.T) {
	p := testPolicy(t, Source{Name: "db", Command: []string{"printf", "x"}})
	p.Retention = Retention{} // retention must not be what removes anything
	p.MetricsFile = filepath.Join(t.TempDir(), "m.prom")
	day := func(d int) func() time.Time { return fixedClock(time.Date(2026, 11, d, 2, 0, 0, 0, time.UTC)) }
	complete, err := Run(context.Background(), p, Options{Now: day(1)})
	if err != nil {
		t.Fatal(err)
	}
	p.Sources[0].Command = []string{"false"}
	failed, err := Run(context.Background(), p, Options{Now: day(2)})
	if err == nil {
		t.Fatal("a failing command succeeded")
	}
	p.Sources[0].Command = []string{"printf", "y"}
	mkdir := func(name string, files map[string]string) string {
		dir := filepath.Join(p.Destination, name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		for f, content := range files {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	// Killed while writing its archive; killed while writing metadata.json
	// (the temporary file of the atomic write); killed right after mkdir.
	mkdir("20261103T020000Z", map[string]string{"db.out.zst": "half an archive"})
	mkdir("20261104T020000Z", map[string]string{"db.out.zst": "whole", ".metadata.json.tmp-1": "{"})
	mkdir("20261105T020000Z", nil)
	damaged := mkdir("20261106T020000Z", map[string]string{MetadataFile: "{", "db.out.zst": "x"})
	other := mkdir("not-a-backup", map[string]string{"keep": "me"})
	// A symlink named like a backup, to a directory without metadata.json.
	elsewhere := mkdir("../elsewhere", map[string]string{"keep": "me"})
	if err := os.Symlink(elsewhere, filepath.Join(p.Destination, "20261107T020000Z")); err != nil {
		t.Fatal(err)
	}

	res, err := Run(context.Background(), p, Options{Now: day(8)})
	if err != nil {
		t.Fatal(err)
	}
	var removed []string
	for _, r := range res.Removed {
		removed = append(removed, r.ID)
	}
	if want := []string{"20261103T020000Z", "20261104T020000Z", "20261105T020000Z"}; !slices.Equal(removed, want) {
		t.Fatalf("removed %v, want %v", removed, want)
	}
	if res.Removed[0].Bytes != int64(len("half an archive")) {
		t.Fatalf("removed %+v: want the size of the partial archive", res.Removed[0])
	}
	backups, err := List(p)
	if err != nil {
		t.Fatal(err)
	}
	want := complete.ID + ":complete " + failed.ID + ":failed 20261106T020000Z:incomplete " + res.ID + ":complete"
	if got := strings.Join(ids(backups), " "); got != want {
		t.Fatalf("left %s, want %s", got, want)
	}
	for _, keep := range []string{filepath.Join(damaged, "db.out.zst"), filepath.Join(other, "keep"), filepath.Join(elsewhere, "keep")} {
		if _, err := os.Stat(keep); err != nil {
			t.Errorf("%s was removed: %v", keep, err)
		}
	}
	metrics := readFile(t, p.MetricsFile)
	for _, want := range []string{
		`spice_backup_last_run_removed_incomplete{policy="test"} 3` + "\n",
		`spice_backup_last_run_removed_incomplete_bytes{policy="test"} 21` + "\n",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q:\n%s", want, metrics)
		}
	}

	// The next run has nothing to remove, and says so with zeros.
	if res, err := Run(context.Background(), p, Options{Now: day(9)}); err != nil || len(res.Removed) != 0 {
		t.Fatalf("second run removed %+v, %v", res.Removed, err)
	}
	if metrics := readFile(t, p.MetricsFile); !strings.Contains(metrics, `spice_backup_last_run_removed_incomplete{policy="test"} 0`+"\n") {
		t.Fatalf("metrics after a clean run:\n%s", metrics)
	}
}

// TestCleanupWaitsForTheLock: while another process holds the destination
// (a run in progress, whose backup is incomplete because it is being
// written), a run removes nothing and fails as locked.
func TestCleanupWaitsForTheLock(t *testing.T) {
	p := testPolicy(t, Source{Name: "db", Command: []string{"printf", "x"}})
	lock, err := lockDestination(p)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.release()
	running := filepath.Join(p.Destination, "20261103T020000Z")
	if err := os.Mkdir(running, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), p, Options{}); !errors.Is(err, ErrLocked) {
		t.Fatalf("run while locked: %v", err)
	}
	if _, err := os.Stat(running); err != nil {
		t.Fatalf("the running backup was removed: %v", err)
	}
}
