// Package backup is the backup agent behind `spice backup run|list|verify|restore`.
// It runs on the host that holds the backups (the binary that
// spice_backup_policy installs there), as root, on local files only.
//
// # Policy file
//
// A policy is JSON (Policy), written by spice_backup_policy to
// /etc/spice/backup/NAME.json (PolicyDir, or SPICE_BACKUP_POLICY_DIR):
//
//	{
//	  "name": "terminusdb",
//	  "schedule": "*-*-* 02:00:00",
//	  "destination": "/var/backups/spice/terminusdb",
//	  "retention": {"days": 7, "min_keep": 3},
//	  "sources": [
//	    {"name": "config", "base_dir": "/etc", "paths": ["spice", "nginx/sites-available"]},
//	    {"name": "db", "command": ["terminusdb", "bundle", "admin/spice", "-o", "/dev/stdout"]}
//	  ],
//	  "compression": "zstd",
//	  "compression_level": 1,
//	  "metrics_file": "/var/lib/node_exporter/textfile/spice_backup_terminusdb.prom",
//	  "offsite": [
//	    {"name": "dc2", "host": "backup.example.net", "port": 22, "user": "spice-backup",
//	     "private_key_file": "/etc/spice/backup/terminusdb.offsite/dc2.key",
//	     "host_key": "ssh-ed25519 AAAA...", "path": "/srv/spice-backups/daily",
//	     "retention": {"days": 30, "min_keep": 7}}
//	  ]
//	}
//
// Unknown fields are refused. Compression is "zstd" (default, also when
// empty), "gzip" (the manual's .tar.gz) or "none". compression_level is 1
// (fastest, also when 0) up to 4 for zstd (the four speeds of
// github.com/klauspost/compress/zstd, about `zstd -1`, `-3`, `-7`, `-11`)
// and up to 9 for gzip; none takes no level. zstd writes one frame per
// MiB of input, encoded on every core at once while the next input is
// read, so one stream uses both cores of a small host. On 100 MB of JSON
// logs on 2 idle cores it stored 15% less than gzip level 1, ran 2.1x as
// fast on 25% less CPU, and restored 1.6x as fast (BenchmarkCompression).
// Every backup records its compression in metadata.json, and verify and
// restore read that, never the policy: backups taken before the
// compression changed stay restorable.
//
// # Layout of the destination
//
//	DESTINATION/.spice-backup.lock        flock held by run, prune, restore (holds the PID)
//	DESTINATION/20261129T093000Z/         one backup, named by its UTC start (second
//	                                      precision; "-1", "-2"... within the same second)
//	    config.tar.zst                    a paths source: tar of the paths, names relative to base_dir
//	                                      (.tar.gz with gzip, .tar with none)
//	    db.out.zst                        a command source: its standard output
//	    metadata.json                     written last, atomically: the backup is complete
//	    FAILED                            instead of metadata.json: the reason the run failed
//	DESTINATION/.spice-offsite-NAME.json  the last push to off-site target NAME (OffsiteRecord)
//
// A directory without metadata.json is never counted: not listed as
// complete, never verified, restored, reported as the last success or
// protected by retention. A failed run keeps only its FAILED file.
//
// # Cleanup after a killed run
//
// A run killed outright (SIGKILL, OOM killer, power loss) leaves a
// directory with neither metadata.json nor FAILED, holding partial
// archives. Each run, once it holds the lock and before it starts its own
// backup, removes such directories: under the lock no other run can be
// writing one, since every run holds the lock from before it creates its
// directory until after it writes metadata.json or FAILED. Complete
// backups (metadata.json present: it is written last, atomically) are
// never candidates, nor failed ones (retention removes them), nor a
// directory whose metadata.json exists but does not read (damage for the
// operator to see). The run prints "Removed incomplete backup ID left by
// an interrupted run (SIZE)." for each, and the metrics say how many and
// how many bytes. A removal that fails fails the run after its backup.
//
// # Retention
//
// After a successful run, backups whose ID timestamp is older than
// retention.days are removed, whatever their status, except the newest
// max(min_keep, 1) complete ones: the newest successful backup survives
// even when it is older than the window. days = 0 keeps everything. A
// failed run prunes nothing, so a broken job never eats the good backups.
// Only direct children of the destination that are real directories
// named like a backup ID are ever removed.
//
// # Restore
//
// Restore verifies every checksum first and refuses a corrupt or incomplete
// backup. metadata.json is then held to the policy the restore runs with (it
// lies among the backups and covers the archives, not itself): each source
// must be the policy's, of the same kind and valid as the policy validator
// has it; in place, its base_dir must be the policy's and its paths among
// the policy's. Each restored path P (base_dir/P, or To/P) is extracted into
// a staging directory beside it, and once every source is staged each target
// is moved aside, the new one renamed in, and the old one removed; a failure
// renames back what was already moved. Parent directories of a target are
// created when missing. A command source is written, decompressed, to
// To/NAME.out (To is required): a TerminusDB bundle is then loaded by the
// operator with `terminusdb unbundle DB FILE`. Archive entries that are
// absolute, contain "..", lie outside the source's paths, go through a
// symlink or are hard links or devices are refused.
//
// # Off-site copies
//
// After a successful run (and local retention) the backup is pushed to
// each offsite target in turn over SSH/SFTP, with the target's own key
// file and only its pinned host key accepted (another key refuses the
// push; the message names fingerprints only). The copy is uploaded to
// PATH/.ID.partial, every file is read back over SFTP and its size and
// SHA-256 compared with the local metadata (metadata.json byte for byte),
// and only then renamed to PATH/ID. Reading back rather than running
// sha256sum there works with SFTP-only accounts (internal-sftp, no shell),
// which is how a backup account should be set up; it costs one download
// of the backup per push. Retention (the target's, else the policy's)
// then applies there as it does locally, and leftovers of killed pushes
// are removed. Each path must belong to one policy on one host.
//
// The outcome is recorded in DESTINATION/.spice-offsite-NAME.json: the
// newest verified copy (ID, start time), when the push ended and how long
// it took; a failure records its reason and keeps the last success. A
// failed push fails the run (exit 1, the journal, the metrics) and never
// removes the local backup. ListOffsite, VerifyOffsite and RestoreOffsite
// read a target: a restore downloads the copy into a staging directory
// inside the destination, then restores from there as Restore does,
// verifying every checksum first.
//
// # Metrics
//
// With metrics_file set, every run rewrites it atomically in node_exporter
// textfile format: spice_backup_last_run_success,
// spice_backup_last_run_duration_seconds,
// spice_backup_last_run_removed_incomplete and
// spice_backup_last_run_removed_incomplete_bytes (what the run's cleanup
// removed), spice_backup_backups and, once a
// complete backup exists, spice_backup_last_success_timestamp_seconds,
// spice_backup_last_duration_seconds and spice_backup_last_size_bytes, each
// labelled {policy="NAME"}. spice_backup_last_run_success is 0 when a push
// failed. Each off-site target adds, labelled {policy="NAME",offsite="T"},
// spice_backup_offsite_last_push_success and, after its first success,
// spice_backup_offsite_last_success_timestamp_seconds,
// spice_backup_offsite_newest_backup_timestamp_seconds and
// spice_backup_offsite_last_push_duration_seconds.
package backup
