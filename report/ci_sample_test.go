package report

import "time"

// ciSample is a drift run over two hosts, one of them unreachable, with
// every status a resource or an objective can have, a sensitive finding
// and the backups of three policies: one with an incomplete set, one
// that could not be listed.
func ciSample() *Report {
	at := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	since := at.Add(-90 * time.Minute)
	return &Report{
		Version:     "1.4.0",
		GeneratedAt: at,
		Hosts: []Host{
			{Name: "spice", Address: "root@10.0.0.5:22", Reachable: true},
			{Name: "spice.replica", Address: "root@10.0.0.6:22", Reachable: false, Error: "dial tcp 10.0.0.6:22: connect: connection refused"},
		},
		Resources: []Resource{
			{Address: "spice_file.env", Host: "spice", Status: Drifted, Action: "update", Findings: []Finding{
				{Attribute: "content", Declared: "(sensitive value)", Actual: "(sensitive value)", Since: &since},
				{Attribute: "mode", Declared: "0600", Actual: "0644"},
			}},
			{Address: "spice_directory.data", Host: "spice", Status: Pending, Action: "update", Findings: []Finding{
				{Attribute: "owner", Declared: "\"harvester\"", Actual: "\"root\""},
			}},
			{Address: "spice_sysctl.swappiness", Host: "spice", Status: OK},
			{Address: `spice_service.app["<web>"]`, Host: "spice", Status: OK},
			{Address: "spice_file.replica_conf", Host: "spice.replica", Status: Unreachable},
		},
		Objectives: []Objective{
			{Scenario: "database restore", Address: "spice_recovery_objective.db", Host: "spice", Priority: "P1",
				RTO: "1h", RPO: "15m", AchievableRTO: "40m", AchievableRPO: "15m", ObservedRPO: "2h10m", Status: Breached,
				Findings: []string{"the newest complete backup of spice_backup_policy.db is 2h10m old, more than the 15m RPO"}},
			{Scenario: "web tier rebuild", Address: "spice_recovery_objective.web", Host: "spice", Priority: "P2",
				RTO: "4h", RPO: "24h", AchievableRTO: "1h", AchievableRPO: "24h", ObservedRPO: "3h", Status: Met},
			{Scenario: "file store", Address: "spice_recovery_objective.files", Host: "spice", Priority: "P3",
				RTO: "8h", RPO: "24h", Status: Unknown, Findings: []string{"no drill has run yet"}},
			{Scenario: "replica failover", Address: "spice_recovery_objective.replica", Host: "spice.replica", Priority: "P1",
				RTO: "30m", RPO: "5m", Status: Unknown},
		},
		Backups: []PolicyBackups{
			{Policy: "spice_backup_policy.db", Host: "spice", Backups: []Backup{
				{ID: "20261129-2350", Time: at.Add(-130 * time.Minute), Complete: true, Bytes: 52 << 20},
				{ID: "20261129-2335", Time: at.Add(-145 * time.Minute), Complete: false, Bytes: 3 << 20},
				{ID: "20261129-2320", Time: at.Add(-160 * time.Minute), Complete: true, Bytes: 51 << 20},
			}},
			{Policy: "spice_backup_policy.files", Host: "spice", Backups: []Backup{
				{ID: "20261129-0300", Time: at.Add(-23 * time.Hour), Complete: true, Bytes: 7 << 30},
			}},
			{Policy: "spice_backup_policy.logs", Host: "spice", Error: "listing /var/backups/logs: permission denied"},
		},
	}
}
