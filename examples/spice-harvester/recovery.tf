# The manual's backup strategy and its RTO/RPO table, made checkable.
#
# scripts/daily_backup.sh becomes the "daily" policy: a TerminusDB bundle
# (TerminusDB has no `db dump`; `terminusdb bundle` is its backup, restored
# with `db create` + `unbundle`), the configuration (.env, config/,
# docker-compose.yml) and the logs, kept 7 days. A systemd timer runs it;
# retention never removes the newest complete backup.
#
# The four objectives are the manual's table, judged against the daily
# policy: a daily schedule leaves 24h gaps, so `spice plan` reports
# database-corruption (RPO 1h), complete-system-failure (RPO 4h) and
# data-center-failure (RPO 4h) as breached, with the gap in the findings.
# The "hourly" policy shows what meeting them takes: the *-hourly
# objectives against it are met once a backup exists and a drill
# (`spice drill SCENARIO` on the host) has been timed.
#
# Backups here stay on the host they protect: data-center-failure also
# needs an off-site copy (replicate the destination elsewhere), which this
# example does not declare.
#
# Set enforcement = "error" to make a breach fail the plan (and CI).

terraform {
  required_version = ">= 1.5"
  required_providers {
    spice = {
      source = "spice-harvester/spice"
    }
  }
}

provider "spice" {
  host             = var.host
  port             = var.port
  user             = var.ssh_user
  private_key_file = var.private_key_file
  known_hosts_file = var.known_hosts_file
  sudo             = var.ssh_user != "root"
}

locals {
  app_dir = "/opt/spice-harvester"
  # The TerminusDB CLI opens its store directly: it runs in its container.
  # It prints "Writing to ..." on stdout besides the bundle, so the bundle
  # goes to a file that is then the only thing on stdout.
  terminusdb_bundle = ["docker", "exec", "terminusdb", "sh", "-c",
  "terminusdb bundle admin/production -o /tmp/spice-backup.bundle >&2 && cat /tmp/spice-backup.bundle && rm -f /tmp/spice-backup.bundle"]
  bundle_check = "/usr/local/lib/spice/check-terminusdb-bundle.sh"
}

# The restore drill checks the restored TerminusDB bundle with this script:
# not empty, and in the bundle format (layer id, then a gzip pack).
resource "spice_file" "bundle_check" {
  path    = local.bundle_check
  content = file("${path.module}/check-terminusdb-bundle.sh")
  mode    = "0755"
}

resource "spice_backup_policy" "daily" {
  name         = "daily"
  schedule     = "*-*-* 02:00:00"
  destination  = "/data/backups/daily"
  metrics_file = "/var/lib/node_exporter/textfile_collector/spice_backup_daily.prom"

  retention {
    days     = 7
    min_keep = 3
  }

  source {
    name    = "terminusdb"
    command = local.terminusdb_bundle
  }
  source {
    name     = "config"
    base_dir = local.app_dir
    paths    = [".env", "config", "docker-compose.yml"]
  }
  source {
    name     = "logs"
    base_dir = local.app_dir
    paths    = ["logs"]
  }
}

resource "spice_backup_policy" "hourly" {
  name         = "hourly"
  schedule     = "hourly"
  destination  = "/data/backups/hourly"
  metrics_file = "/var/lib/node_exporter/textfile_collector/spice_backup_hourly.prom"

  retention {
    days     = 2
    min_keep = 24
  }

  source {
    name    = "terminusdb"
    command = local.terminusdb_bundle
  }
  source {
    name     = "config"
    base_dir = local.app_dir
    paths    = [".env", "config", "docker-compose.yml"]
  }
}

locals {
  daily  = spice_backup_policy.daily.name
  hourly = spice_backup_policy.hourly.name

  # The manual's table, plus the same promises against the hourly policy.
  objectives = {
    service-crash                  = { rto = "5m", rpo = "0s", priority = "critical", policies = [], services = var.services }
    database-corruption            = { rto = "30m", rpo = "1h", priority = "high", policies = [local.daily], services = [] }
    complete-system-failure        = { rto = "2h", rpo = "4h", priority = "high", policies = [local.daily], services = var.services }
    data-center-failure            = { rto = "4h", rpo = "4h", priority = "medium", policies = [local.daily], services = var.services }
    database-corruption-hourly     = { rto = "30m", rpo = "1h", priority = "high", policies = [local.hourly], services = [] }
    complete-system-failure-hourly = { rto = "2h", rpo = "4h", priority = "high", policies = [local.hourly], services = var.services }
  }
}

resource "spice_recovery_objective" "manual" {
  for_each = local.objectives

  scenario        = each.key
  rto             = each.value.rto
  rpo             = each.value.rpo
  priority        = each.value.priority
  backup_policies = each.value.policies
  services        = each.value.services
  enforcement     = var.enforcement
  # The drill checks the restored bundle: not empty, the bundle format.
  verify_command = length(each.value.policies) > 0 ? [local.bundle_check, "${each.value.policies[0]}/terminusdb.out"] : null
  depends_on     = [spice_file.bundle_check]
}

output "objectives" {
  description = "Status of every objective: met, breached or unknown."
  value       = { for k, o in spice_recovery_objective.manual : k => o.status }
}
