package backup

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRetention builds real backups whose ID timestamps span several days
// (plus clutter that retention must never touch) and prunes at a fixed now.
func TestRetention(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	ago := func(days float64) time.Time { return now.Add(-time.Duration(days * float64(day))) }
	id := func(days float64) string { return formatID(ago(days), 0) }
	type backupAt struct {
		days   float64
		failed bool
	}
	tests := []struct {
		name      string
		retention Retention
		backups   []backupAt
		wantGone  []float64
	}{
		{
			name:      "ten days, keep seven: exactly the older ones go",
			retention: Retention{Days: 7},
			backups:   []backupAt{{0.5, false}, {1.5, false}, {2.5, false}, {3.5, false}, {4.5, false}, {5.5, false}, {6.5, false}, {7.5, false}, {8.5, false}, {9.5, false}},
			wantGone:  []float64{7.5, 8.5, 9.5},
		},
		{
			name:      "the newest successful backup stays even when older than the window",
			retention: Retention{Days: 7},
			backups:   []backupAt{{10, false}, {9, false}, {8, false}, {8.5, true}, {1, true}},
			wantGone:  []float64{10, 9, 8.5},
		},
		{
			name:      "a newer failed backup does not count as the newest successful one",
			retention: Retention{Days: 7},
			backups:   []backupAt{{9, false}, {8, true}},
			wantGone:  []float64{8},
		},
		{
			name:      "min_keep keeps that many successful backups whatever their age",
			retention: Retention{Days: 7, MinKeep: 3},
			backups:   []backupAt{{11, false}, {10, false}, {9.5, true}, {9, false}, {8, false}, {1, false}},
			wantGone:  []float64{11, 10, 9.5},
		},
		{
			name:      "days 0 keeps everything",
			retention: Retention{Days: 0},
			backups:   []backupAt{{30, false}, {20, true}, {1, false}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPolicy(t, Source{Name: "db", Command: []string{"printf", "x"}})
			p.Retention = Retention{} // setting up must not prune
			for _, b := range tt.backups {
				run := *p
				if b.failed {
					run.Sources = []Source{{Name: "db", Command: []string{"false"}}}
				}
				if _, err := Run(context.Background(), &run, Options{Now: fixedClock(ago(b.days))}); (err != nil) != b.failed {
					t.Fatalf("backup %g days ago: %v", b.days, err)
				}
			}
			outside, clutter := plantClutter(t, p.Destination)
			before, _ := List(p)

			p.Retention = tt.retention
			removed, err := Prune(p, now)
			if err != nil {
				t.Fatal(err)
			}
			var wantRemoved []string
			for _, d := range tt.wantGone {
				wantRemoved = append(wantRemoved, id(d))
			}
			if tt.retention.Days > 0 { // the planted old incomplete backup
				wantRemoved = append(wantRemoved, "20200104T000000Z")
			}
			slices.Sort(wantRemoved)
			if !slices.Equal(removed, wantRemoved) {
				t.Fatalf("removed %v, want %v", removed, wantRemoved)
			}
			after, _ := List(p)
			for _, b := range before {
				gone := slices.Contains(wantRemoved, b.ID)
				if _, err := os.Lstat(b.Path); os.IsNotExist(err) != gone {
					t.Errorf("%s (%s): gone=%v, want gone=%v", b.ID, b.Status, !gone, gone)
				}
			}
			if len(after) != len(before)-len(wantRemoved) {
				t.Errorf("left %v", ids(after))
			}
			assertSameTree(t, clutter, clutterOf(snapshot(t, p.Destination)))
			assertSameTree(t, outside, snapshot(t, filepath.Dir(p.Destination)+"/outside"))
		})
	}
}

// plantClutter puts next to the backups what retention must leave alone:
// names that are not backup IDs, an ID-named file, an ID-named symlink to a
// directory outside the destination, and an old incomplete backup (which
// is pruned) holding a symlink out. It returns snapshots of the outside
// directory and of the clutter that must stay.
func plantClutter(t *testing.T, dest string) (outside, clutter map[string]string) {
	t.Helper()
	out := filepath.Join(filepath.Dir(dest), "outside")
	for _, dir := range []string{filepath.Join(out, "20200101T000000Z"), filepath.Join(dest, "notes"), filepath.Join(dest, "20200104T000000Z")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(out, "precious"):                     "must survive",
		filepath.Join(out, "20200101T000000Z", "precious"): "must survive",
		filepath.Join(dest, "notes", "README"):             "operator notes",
		filepath.Join(dest, "20200102T000000Z"):            "a file named like a backup",
	}
	for path, content := range files {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		filepath.Join(dest, "20200103T000000Z"):           filepath.Join(out, "20200101T000000Z"),
		filepath.Join(dest, "20200104T000000Z", "escape"): out,
	} {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	return snapshot(t, out), clutterOf(snapshot(t, dest))
}

// clutterOf keeps the entries of a destination snapshot that are not
// backups made by the test.
func clutterOf(snap map[string]string) map[string]string {
	out := map[string]string{}
	for rel, desc := range snap {
		top, _, _ := strings.Cut(rel, string(filepath.Separator))
		if top == "notes" || top == "20200102T000000Z" || top == "20200103T000000Z" {
			out[rel] = desc
		}
	}
	return out
}
