# The newest backups of the daily policy, for an output or a check.
data "spice_backups" "daily" {
  policy = spice_backup_policy.daily.name
  limit  = 5
}

output "newest_backup" {
  value = try(data.spice_backups.daily.backups[0].id, "none yet")
}
