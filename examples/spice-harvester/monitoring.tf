# Chapter 5, "Monitoring and Health Checks": the health endpoints as check
# blocks (warnings on every plan and apply, in place of
# scripts/health_monitor.py), log rotation as Appendix B lists it, and
# `spice watch` on the host, which keeps chapter 7's tuning in shape and
# serves Prometheus metrics (tuning.tf).

locals {
  endpoints = merge(
    { for k, s in local.services : k => "http://127.0.0.1:${s.port}/health" },
    {
      terminusdb = "http://127.0.0.1:6363/api/ok"
      nginx      = "http://127.0.0.1/health" # the BFF through nginx (maintenance.tf)
      watch      = "http://${var.watch_metrics_addr}/healthz"
    },
  )
}

# These data sources stand outside the check blocks on purpose: Terraform
# re-reads a data source nested in a check block at every apply, so its
# plans would never be empty.
data "spice_http_check" "endpoint" {
  for_each = local.endpoints
  url      = each.value
  timeout  = "2s"
  # Probed once everything is (re)started, not before.
  depends_on = [spice_service.app, spice_service.terminusdb, spice_service.watch, spice_maintenance_mode.site]
}

# A check block takes no for_each: one per endpoint.
check "bff_health" {
  assert {
    condition     = data.spice_http_check.endpoint["bff"].healthy
    error_message = "BFF answered ${data.spice_http_check.endpoint["bff"].status} ${data.spice_http_check.endpoint["bff"].error}"
  }
}

check "oms_health" {
  assert {
    condition     = data.spice_http_check.endpoint["oms"].healthy
    error_message = "OMS answered ${data.spice_http_check.endpoint["oms"].status} ${data.spice_http_check.endpoint["oms"].error}"
  }
}

check "funnel_health" {
  assert {
    condition     = data.spice_http_check.endpoint["funnel"].healthy
    error_message = "Funnel answered ${data.spice_http_check.endpoint["funnel"].status} ${data.spice_http_check.endpoint["funnel"].error}"
  }
}

check "terminusdb_health" {
  assert {
    condition     = data.spice_http_check.endpoint["terminusdb"].healthy
    error_message = "TerminusDB answered ${data.spice_http_check.endpoint["terminusdb"].status} ${data.spice_http_check.endpoint["terminusdb"].error}"
  }
}

check "nginx_health" {
  assert {
    condition     = data.spice_http_check.endpoint["nginx"].healthy || var.maintenance
    error_message = "nginx answered ${data.spice_http_check.endpoint["nginx"].status} ${data.spice_http_check.endpoint["nginx"].error} for the BFF's /health"
  }
}

check "watch_health" {
  assert {
    condition     = data.spice_http_check.endpoint["watch"].healthy
    error_message = "spice watch answered ${data.spice_http_check.endpoint["watch"].status} ${data.spice_http_check.endpoint["watch"].error}"
  }
}

# Appendix B: the services' logs daily, 7 days kept, and their access and
# error logs (gunicorn's accesslog/errorlog, chapter 7) daily, 30 days
# kept. The services cannot be told to reopen a log, so the log is copied
# and truncated in place; logs/ belongs to the spice user, so logrotate
# works as that user.
locals {
  logs = {
    services = { rotate = 7, names = keys(local.services) }
    access   = { rotate = 30, names = ["access", "error"] }
  }
}

resource "spice_logrotate" "logs" {
  for_each     = local.logs
  name         = "spice-harvester-${each.key}"
  paths        = [for n in each.value.names : "${spice_directory.logs.path}/${n}.log"]
  frequency    = "daily"
  rotate       = each.value.rotate
  compress     = true
  copytruncate = true
  su           = "${spice_user.app.name} ${spice_group.app.name}"
}

# spice watch, the continuous form of `spice apply`, as a service: it
# applies the configuration in var.watch_dir (tuning.tf puts it there)
# every var.watch_interval and at once when fsnotify reports an edit of a
# file it manages, and serves /metrics and /healthz on the host's loopback
# (examples/watch/README.md lists the metrics). The binary is the one the
# backup policies install (recovery.tf).
resource "spice_service" "watch" {
  name              = "spice-watch"
  description       = "spice watch: keeps ${var.watch_dir} converged"
  exec_start        = "${spice_backup_policy.hourly.binary_path} watch -interval=${var.watch_interval} -metrics-addr=${var.watch_metrics_addr} -log-format=json"
  working_directory = var.watch_dir
  restart           = "always"
  restart_sec       = "5s"
  health_check {
    url          = "http://${var.watch_metrics_addr}/healthz"
    interval     = "1s"
    start_period = "120s"
  }

  # The configuration first: watch reloads by itself when it changes.
  depends_on = [spice_file.watched, spice_file.watched_vars]
}
