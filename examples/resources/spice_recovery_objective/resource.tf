# "Database corruption: RTO 30 minutes, RPO 1 hour" from the manual's
# table. Against a daily policy this plans as breached, with the finding
# `policy daily: schedule "*-*-* 02:00:00" leaves gaps of 24h0m0s; rpo is 1h0m0s`.
resource "spice_recovery_objective" "database_corruption" {
  scenario = "database-corruption"
  rto      = "30m"
  rpo      = "1h"
  priority = "high"
  # With the policy in the same configuration, refer to it
  # (spice_backup_policy.daily.name) so that it is planned first.
  backup_policies = ["daily"]
  # TerminusDB's restart-to-healthy time counts in achievable_rto.
  services       = [spice_service.terminusdb.name]
  enforcement    = "error"
  verify_command = ["test", "-s", "daily/terminusdb.out"]
}

# TerminusDB (the manual runs it in a container) as a systemd service, so
# that its restarts are health-gated on TerminusDB's unauthenticated probe
# /api/ok and timed: the objective above reads that timing.
resource "spice_service" "terminusdb" {
  name        = "terminusdb"
  description = "TerminusDB in its container (:6363)"
  exec_start  = "/usr/bin/docker start --attach terminusdb"
  restart     = "always"
  after       = ["docker.service"]
  wants       = ["docker.service"]
  health_check {
    url          = "http://127.0.0.1:6363/api/ok"
    start_period = "60s"
  }
}

# "Data center failure: RTO 4 hours, RPO 4 hours": the host and every
# backup on it are lost, so only the copies a policy's offsite blocks
# pushed and verified count. achievable_rpo is the schedule's longest gap
# plus the backup's and the push's measured durations; observed_rpo the age
# of the newest verified off-site copy; `spice drill data-center-failure`
# restores from that copy. A policy without offsite blocks breaches.
resource "spice_recovery_objective" "data_center_failure" {
  scenario        = "data-center-failure"
  rto             = "4h"
  rpo             = "4h"
  priority        = "critical"
  offsite         = true
  backup_policies = ["daily-offsite"]
}
