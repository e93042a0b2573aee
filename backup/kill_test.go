package backup_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/backup"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testsupport.RemoveBuiltBinary()
	os.Exit(code)
}

// TestKilledRunIsCleanedUp kills a real `spice backup run` with SIGKILL
// while it writes its zstd archive (once the archive exists and has
// grown), then checks that the next run removes the incomplete backup,
// says so, succeeds, and keeps the complete backup taken before.
func TestKilledRunIsCleanedUp(t *testing.T) {
	spice := filepath.Join(testsupport.BuildBinary(t), "spice")
	dir := t.TempDir()
	policyFile := filepath.Join(dir, "killed.json")
	p := backup.Policy{
		Name: "killed", Destination: filepath.Join(dir, "backups"), MetricsFile: filepath.Join(dir, "killed.prom"),
		Sources: []backup.Source{{Name: "db", Command: []string{"printf", "first"}}},
	}
	install := func(command ...string) {
		p.Sources[0].Command = command
		raw, _ := json.Marshal(p)
		if err := os.WriteFile(policyFile, raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run := func() string {
		out, err := exec.Command(spice, "backup", "run", "-policy", policyFile).CombinedOutput()
		if err != nil {
			t.Fatalf("spice backup run: %v\n%s", err, out)
		}
		return string(out)
	}
	install("printf", "first")
	run()
	backups, err := backup.List(&p)
	if err != nil || len(backups) != 1 {
		t.Fatalf("after the first run: %+v %v", backups, err)
	}
	first := backups[0].ID

	// The source reads a FIFO that this test feeds for as long as the run
	// lives, so the run is killed mid-archive, never after it.
	fifo := filepath.Join(dir, "feed")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	install("cat", fifo)
	killed := exec.Command(spice, "backup", "run", "-policy", policyFile)
	if err := killed.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = killed.Process.Kill() }()
	feed, err := os.OpenFile(fifo, os.O_WRONLY, 0) // until cat opens it
	if err != nil {
		t.Fatal(err)
	}
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		line := []byte(strings.Repeat(`{"level":"INFO","msg":"request served","path":"/api/db/admin/spice"}`+"\n", 1000))
		for i := 0; ; i++ {
			line[0] = byte('a' + i%26) // not one block repeated forever
			if _, err := feed.Write(line); err != nil {
				return // the run is gone
			}
		}
	}()
	archive := waitForGrowingArchive(t, p.Destination, first)
	if err := killed.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = killed.Wait()
	_ = feed.Close()
	<-fed

	backups, err = backup.List(&p)
	if err != nil || len(backups) != 2 || backups[1].Status != backup.StatusIncomplete {
		t.Fatalf("after the kill: %+v %v", backups, err)
	}
	partial := backups[1].ID
	if filepath.Base(filepath.Dir(archive)) != partial {
		t.Fatalf("archive %s is not in the killed backup %s", archive, partial)
	}

	install("printf", "second")
	out := run()
	if !strings.Contains(out, "Removed incomplete backup "+partial+" left by an interrupted run") {
		t.Fatalf("the run does not say what it removed:\n%s", out)
	}
	backups, err = backup.List(&p)
	if err != nil || len(backups) != 2 || backups[0].ID != first || !backups[0].Complete() || !backups[1].Complete() {
		t.Fatalf("after the next run: %+v %v", backups, err)
	}
	if _, err := os.Stat(filepath.Join(p.Destination, partial)); !os.IsNotExist(err) {
		t.Fatalf("the killed backup is still there: %v", err)
	}
	metrics, err := os.ReadFile(p.MetricsFile)
	if err != nil || !strings.Contains(string(metrics), `spice_backup_last_run_removed_incomplete{policy="killed"} 1`+"\n") {
		t.Fatalf("metrics: %v\n%s", err, metrics)
	}
	to := t.TempDir()
	if _, err := backup.Restore(&p, first, backup.RestoreOptions{To: to}); err != nil {
		t.Fatalf("restore of the backup taken before the kill: %v", err)
	}
	if got, err := os.ReadFile(filepath.Join(to, "db.out")); err != nil || string(got) != "first" {
		t.Fatalf("restored %q, %v", got, err)
	}
}

// waitForGrowingArchive waits until the backup being written (a directory
// other than done) holds an archive that is not empty and then grows, and
// returns its path.
func waitForGrowingArchive(t *testing.T, destination, done string) string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	var seen int64
	for time.Now().Before(deadline) {
		matches, _ := filepath.Glob(filepath.Join(destination, "*", "db.out.zst"))
		for _, m := range matches {
			if filepath.Base(filepath.Dir(m)) == done {
				continue
			}
			if info, err := os.Stat(m); err == nil && info.Size() > 0 {
				if seen > 0 && info.Size() > seen {
					return m
				}
				seen = info.Size()
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no growing archive in %s after 2 minutes", destination)
	return ""
}
