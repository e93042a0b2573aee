package backup

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// writeMetrics rewrites the policy's metrics file (if any) in node_exporter
// textfile format, atomically: node_exporter never reads half a file. The
// last-success gauges come from the newest complete backup on disk, so they
// stay right after a failed run. Policy names need no label escaping: they
// are restricted to [A-Za-z0-9._-].
func writeMetrics(p *Policy, success bool, runSeconds float64, removed []Removed) error {
	if p.MetricsFile == "" {
		return nil
	}
	var b strings.Builder
	gauge := func(name, help string, value float64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s{policy=%q} %s\n", name, help, name, name, p.Name, strconv.FormatFloat(value, 'f', -1, 64))
	}
	gauge("spice_backup_last_run_success", "1 if the last backup run succeeded, 0 if it failed.", boolGauge(success))
	gauge("spice_backup_last_run_duration_seconds", "Duration of the last backup run, successful or not.", runSeconds)
	var removedBytes int64
	for _, r := range removed {
		removedBytes += r.Bytes
	}
	gauge("spice_backup_last_run_removed_incomplete", "Incomplete backups left by killed runs that the last run removed.", float64(len(removed)))
	gauge("spice_backup_last_run_removed_incomplete_bytes", "Bytes of the incomplete backups that the last run removed.", float64(removedBytes))
	// A repository that cannot be read (a wrong restic password) still
	// reports the failed run.
	backups, listErr := EngineOf(p).List(context.Background())
	complete := 0
	var newest *Backup
	for i := range backups {
		if backups[i].Complete() {
			complete++
			newest = &backups[i]
		}
	}
	if listErr == nil {
		gauge("spice_backup_backups", "Complete backups in the destination.", float64(complete))
	} else {
		listErr = fmt.Errorf("metrics of policy %s: %w", p.Name, listErr)
	}
	if newest != nil {
		gauge("spice_backup_last_success_timestamp_seconds", "Start time of the newest complete backup (its ID), Unix seconds.", float64(newest.Time.Unix()))
		gauge("spice_backup_last_duration_seconds", "Duration of the newest complete backup.", newest.DurationSeconds)
		gauge("spice_backup_last_size_bytes", "Stored size of the newest complete backup.", float64(newest.Bytes))
	}
	writeOffsiteMetrics(&b, p)
	if err := writeAtomic(p.MetricsFile, []byte(b.String()), 0o644); err != nil {
		return errors.Join(listErr, fmt.Errorf("write metrics file of policy %s: %w", p.Name, err))
	}
	return listErr
}

func boolGauge(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

// writeOffsiteMetrics adds the gauges of the off-site targets, labelled
// {policy, offsite}, from their records: a target shows once a push was
// tried. Each metric's HELP and TYPE lines come once, as the format wants.
func writeOffsiteMetrics(b *strings.Builder, p *Policy) {
	var records []*OffsiteRecord
	for _, o := range p.Offsite {
		if rec, err := ReadOffsiteRecord(p, o.Name); err == nil && rec != nil {
			rec.Offsite = o.Name
			records = append(records, rec)
		}
	}
	gauge := func(name, help string, value func(r *OffsiteRecord) (float64, bool)) {
		header := false
		for _, r := range records {
			v, ok := value(r)
			if !ok {
				continue
			}
			if !header {
				fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
				header = true
			}
			fmt.Fprintf(b, "%s{policy=%q,offsite=%q} %s\n", name, p.Name, r.Offsite, strconv.FormatFloat(v, 'f', -1, 64))
		}
	}
	succeeded := func(r *OffsiteRecord) bool { return !r.LastSuccessAt.IsZero() }
	gauge("spice_backup_offsite_last_push_success", "1 if the last push to the off-site target succeeded (copy verified there), 0 if it failed.",
		func(r *OffsiteRecord) (float64, bool) { return boolGauge(r.LastError == ""), true })
	gauge("spice_backup_offsite_last_success_timestamp_seconds", "When the last successful push ended, Unix seconds.",
		func(r *OffsiteRecord) (float64, bool) { return float64(r.LastSuccessAt.Unix()), succeeded(r) })
	gauge("spice_backup_offsite_newest_backup_timestamp_seconds", "Start time of the newest backup verified on the off-site target (its ID), Unix seconds.",
		func(r *OffsiteRecord) (float64, bool) { return float64(r.BackupTime.Unix()), succeeded(r) })
	gauge("spice_backup_offsite_last_push_duration_seconds", "Duration of the last successful push: connect, upload, read-back verification, rename.",
		func(r *OffsiteRecord) (float64, bool) { return r.PushSeconds, succeeded(r) })
}
