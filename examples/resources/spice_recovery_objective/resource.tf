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
  enforcement     = "error"
  verify_command  = ["test", "-s", "daily/terminusdb.out"]
}
