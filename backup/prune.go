package backup

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// Prune applies the policy's retention at time now, under the destination
// lock, and returns the IDs it removed. Run prunes by itself after every
// successful backup.
func Prune(p *Policy, now time.Time) ([]string, error) {
	lock, err := lockDestination(p)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	return prune(p, now)
}

// prune removes every backup (complete, failed or incomplete) whose ID
// timestamp is more than retention.days before now, except the newest
// max(min_keep, 1) complete backups. Days 0 keeps everything. Only what
// List returns is candidate: direct children of the destination that are
// real directories named like a backup ID; symlinks and other names are
// never touched, and removal goes through an os.Root on the destination so
// it cannot leave it.
func prune(p *Policy, now time.Time) ([]string, error) {
	if p.Retention.Days == 0 {
		return nil, nil
	}
	backups, err := List(p)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(p.Destination)
	if err != nil {
		return nil, fmt.Errorf("prune policy %s: %w", p.Name, err)
	}
	defer func() { _ = root.Close() }()
	var removed []string
	var errs []error
	for _, b := range expired(backups, p.Retention, now) {
		if info, err := root.Lstat(b.ID); err != nil || !info.IsDir() {
			continue // replaced since List: not ours to remove
		}
		if err := root.RemoveAll(b.ID); err != nil {
			errs = append(errs, fmt.Errorf("prune backup %s of policy %s: %w", b.ID, p.Name, err))
			continue
		}
		removed = append(removed, b.ID)
	}
	return removed, errors.Join(errs...)
}

// expired picks what retention r removes at time now from backups (oldest
// first): every backup whose ID timestamp is more than r.Days before now,
// except the newest max(r.MinKeep, 1) complete ones. Days 0 keeps all.
// The same rule applies locally and on an off-site target.
func expired(backups []Backup, r Retention, now time.Time) []Backup {
	if r.Days == 0 {
		return nil
	}
	keep := map[string]bool{}
	for i, kept := len(backups)-1, 0; i >= 0 && kept < max(r.MinKeep, 1); i-- {
		if backups[i].Complete() {
			keep[backups[i].ID] = true
			kept++
		}
	}
	cutoff := now.Add(-time.Duration(r.Days) * 24 * time.Hour)
	var out []Backup
	for _, b := range backups {
		if !keep[b.ID] && b.Time.Before(cutoff) {
			out = append(out, b)
		}
	}
	return out
}
