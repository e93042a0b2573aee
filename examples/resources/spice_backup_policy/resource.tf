# The manual's nightly backup: TerminusDB bundle, configuration and logs,
# kept 7 days, run by a systemd timer at 02:00 UTC.
resource "spice_backup_policy" "daily" {
  name        = "daily"
  schedule    = "*-*-* 02:00:00"
  destination = "/data/backups/daily"

  retention {
    days     = 7
    min_keep = 3
  }

  source {
    name    = "terminusdb"
    command = ["docker", "exec", "terminusdb", "terminusdb", "bundle", "admin/production", "-o", "/dev/stdout"]
  }
  source {
    name     = "config"
    base_dir = "/opt/spice-harvester"
    paths    = [".env", "config", "docker-compose.yml"]
  }
}
