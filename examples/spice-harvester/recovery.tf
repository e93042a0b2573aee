# Chapters 6 and 10, "Backup and Recovery" and "Disaster Recovery": the
# manual's backup script as backup policies run by systemd timers, and its
# RTO/RPO table as recovery objectives that every plan (and `spice drift`)
# judges against what the host can actually do.
#
# scripts/daily_backup.sh becomes the "daily" policy: a TerminusDB bundle
# (TerminusDB has no `db dump`; `terminusdb bundle` is its backup, restored
# with `db create` + `unbundle`), the configuration (.env, config/) and the
# logs, kept 7 days. A daily schedule leaves 24h gaps, more than the
# table's RPOs allow, so the "hourly" policy (the bundle and the
# configuration, kept 2 days) is the one the objectives count. Retention
# never removes the newest complete backup.
#
# With var.offsite, every hourly backup is also pushed to another data
# center and verified there, and the table's data-center-failure row is
# declared against those copies.
#
# The objectives are met once a backup exists and a restore drill
# (`spice drill SCENARIO` on the host) has been timed; until then they are
# "unknown" and their findings say what is missing. The drill checks the
# restored bundle with check-terminusdb-bundle.sh. Set enforcement =
# "error" to make a breach fail the plan (and CI).

locals {
  bundle_check = "/usr/local/lib/spice/check-terminusdb-bundle.sh"
}

# The restore drill checks the restored TerminusDB bundle with this script:
# not empty, and in the bundle format (layer id, then a gzip pack).
resource "spice_file" "bundle_check" {
  path    = local.bundle_check
  content = file("${path.module}/check-terminusdb-bundle.sh")
  mode    = "0755"
}

locals {
  backup_sources = {
    terminusdb = { command = var.terminusdb_bundle_command, base_dir = null, paths = null }
    config     = { command = null, base_dir = local.app_dir, paths = [".env", "config"] }
    logs       = { command = null, base_dir = local.app_dir, paths = ["logs"] }
  }
  policies = {
    daily  = { schedule = "*-*-* 02:00:00", days = 7, min_keep = 3, sources = ["terminusdb", "config", "logs"] }
    hourly = { schedule = "hourly", days = 2, min_keep = 24, sources = ["terminusdb", "config"] }
  }
}

resource "spice_backup_policy" "daily" {
  name         = "daily"
  schedule     = local.policies.daily.schedule
  destination  = "${spice_directory.backups.path}/daily"
  metrics_file = "/var/lib/node_exporter/textfile_collector/spice_backup_daily.prom"

  retention {
    days     = local.policies.daily.days
    min_keep = local.policies.daily.min_keep
  }

  dynamic "source" {
    for_each = local.policies.daily.sources
    content {
      name     = source.value
      command  = local.backup_sources[source.value].command
      base_dir = local.backup_sources[source.value].base_dir
      paths    = local.backup_sources[source.value].paths
    }
  }
}

resource "spice_backup_policy" "hourly" {
  name         = "hourly"
  schedule     = local.policies.hourly.schedule
  destination  = "${spice_directory.backups.path}/hourly"
  metrics_file = "/var/lib/node_exporter/textfile_collector/spice_backup_hourly.prom"

  retention {
    days     = local.policies.hourly.days
    min_keep = local.policies.hourly.min_keep
  }

  # Chapter 10's data-center failure: a copy in another data center,
  # pushed after each run and verified there.
  dynamic "offsite" {
    for_each = var.offsite == null ? [] : [var.offsite]
    content {
      name        = "offsite"
      host        = offsite.value.host
      port        = offsite.value.port
      user        = offsite.value.user
      private_key = file(offsite.value.private_key_file)
      host_key    = offsite.value.host_key
      path        = offsite.value.path
      retention {
        days     = offsite.value.days
        min_keep = offsite.value.min_keep
      }
    }
  }

  dynamic "source" {
    for_each = local.policies.hourly.sources
    content {
      name     = source.value
      command  = local.backup_sources[source.value].command
      base_dir = local.backup_sources[source.value].base_dir
      paths    = local.backup_sources[source.value].paths
    }
  }
}

locals {
  hourly       = spice_backup_policy.hourly.name
  all_services = concat([for s in spice_service.app : s.name], [spice_service.terminusdb.name])

  # The manual's "Recovery Time Objectives" table. A service crash loses
  # nothing on disk (RPO 0, no backup counts); its RTO is the slowest
  # measured restart-to-healthy time.
  table = {
    service-crash           = { rto = "5m", rpo = "0s", priority = "critical", policies = [], services = local.all_services, offsite = false }
    database-corruption     = { rto = "30m", rpo = "1h", priority = "high", policies = [local.hourly], services = [], offsite = false }
    complete-system-failure = { rto = "2h", rpo = "4h", priority = "high", policies = [local.hourly], services = local.all_services, offsite = false }
    # A data-center failure takes the host and every backup on it: only
    # the hourly policy's verified off-site copies count (offsite = true),
    # and its drill restores from the newest of them. Declared when
    # var.offsite names the other data center.
    data-center-failure = { rto = "4h", rpo = "4h", priority = "medium", policies = [local.hourly], services = local.all_services, offsite = true }
  }
  objectives = { for k, o in local.table : k => o if !o.offsite || var.offsite != null }
}

resource "spice_recovery_objective" "manual" {
  for_each = local.objectives

  scenario        = each.key
  rto             = each.value.rto
  rpo             = each.value.rpo
  priority        = each.value.priority
  backup_policies = each.value.policies
  services        = each.value.services
  offsite         = each.value.offsite
  enforcement     = var.enforcement
  # The drill checks the restored bundle: not empty, the bundle format.
  verify_command = length(each.value.policies) > 0 ? [local.bundle_check, "${each.value.policies[0]}/terminusdb.out"] : null
  depends_on     = [spice_file.bundle_check]
}
