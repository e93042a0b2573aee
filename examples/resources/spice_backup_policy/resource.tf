variable "offsite_private_key" {
  description = "The key the host pushes its off-site copies with (OpenSSH PEM)."
  type        = string
  sensitive   = true
}

# The manual's nightly backup: TerminusDB bundle, configuration and logs,
# kept 7 days, run by a systemd timer at 02:00 UTC.
resource "spice_backup_policy" "daily" {
  name        = "daily"
  schedule    = "*-*-* 02:00:00"
  destination = "/data/backups/daily"
  # zstd is the default; gzip writes the manual's .tar.gz archives.
  compression = "zstd"

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

# The same backups, also kept in another data center: pushed over SFTP
# after each run, verified there by reading every archive back, and pruned
# there after 30 days. The key is installed 0600 on the host and never
# printed; the far side's host key is pinned.
resource "spice_backup_policy" "daily_offsite" {
  name        = "daily-offsite"
  schedule    = "*-*-* 00/4:00:00"
  destination = "/data/backups/daily-offsite"

  retention {
    days     = 7
    min_keep = 3
  }

  source {
    name    = "terminusdb"
    command = ["docker", "exec", "terminusdb", "terminusdb", "bundle", "admin/production", "-o", "/dev/stdout"]
  }

  offsite {
    name        = "dc2"
    host        = "backup.example.net"
    port        = 22
    user        = "spice-backup"
    private_key = var.offsite_private_key
    host_key    = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHrZp5rtkz5lHXIJPyeq1lbYNjPw5QkiuG29BA6IrOdG"
    path        = "/srv/spice-backups/daily"

    retention {
      days     = 30
      min_keep = 7
    }
  }
}

variable "restic_password" {
  description = "The restic repository's password."
  type        = string
  sensitive   = true
}

# The same database, in an encrypted, deduplicated restic repository in
# another data center: an unchanged backup adds almost nothing, and the
# repository counts as the off-site copy. restic (0.14 or newer) must be on
# the host, and root's ssh must know the key and host key for sftp.
resource "spice_backup_policy" "restic" {
  name        = "daily-restic"
  schedule    = "*-*-* 00/4:00:00"
  destination = "/var/lib/spice/daily-restic"
  engine      = "restic"
  repository  = "sftp:spice-backup@backup.example.net:/srv/restic/daily"
  password    = var.restic_password

  retention {
    days     = 30
    min_keep = 7
  }

  source {
    name    = "terminusdb"
    command = ["docker", "exec", "terminusdb", "terminusdb", "bundle", "admin/production", "-o", "/dev/stdout"]
  }
}
