# spice watch as a service on the host: it keeps the configuration in
# /etc/spice/watch (config/ here) converged, repairing drift as fsnotify
# reports it and checking everything else every minute, and serves
# Prometheus metrics and /healthz on the host's loopback.
#
# - the spice binary comes the way spice_backup_policy installs it (the
#   policy also backs up the watched configuration and its state);
# - the watched configuration is copied to the host as files; watch
#   reloads by itself when they change;
# - spice_service runs `spice watch` with its own state beside the
#   configuration, restarts it when the configuration changes its flags,
#   and waits until /healthz answers before the apply completes.

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
  watch_dir = "/etc/spice/watch"
}

resource "spice_file" "watched" {
  for_each = fileset("${path.module}/config", "*.tf")
  path     = "${local.watch_dir}/${each.value}"
  content  = file("${path.module}/config/${each.value}")
  mode     = "0644"
}

resource "spice_backup_policy" "watch" {
  name        = "watch"
  schedule    = "daily"
  destination = "/var/backups/spice/watch"
  retention {
    days = 14
  }
  source {
    name     = "watch"
    base_dir = local.watch_dir
    paths    = ["main.tf", "terraform.tfstate"]
  }
  depends_on = [spice_file.watched]
}

resource "spice_service" "watch" {
  name              = "spice-watch"
  description       = "spice watch: repairs drift of ${local.watch_dir}"
  exec_start        = "${spice_backup_policy.watch.binary_path} watch -interval=${var.interval} -metrics-addr=${var.metrics_addr} -log-format=json"
  working_directory = local.watch_dir
  restart           = "always"
  restart_sec       = "5s"
  health_check {
    url          = "http://${var.metrics_addr}/healthz"
    interval     = "1s"
    start_period = "60s"
  }
}
