# Chapter 1, "System Requirements": the manual's hardware tables and its
# software requirements, checked at every plan before anything changes.
#
# var.profile picks the column of the tables (development or production)
# and var.tier the table (minimum or recommended). A host below them fails
# the plan with one error listing each shortfall ("cpu_cores: 2 < 8
# (production/minimum)"); var.requirements_enforce = "warn" reports them
# and goes on (a test host, a laptop).
#
# Only Python is a runtime requirement here: git, Docker and Docker Compose
# are what chapter 2 installs (installation.tf), so a bare host has none of
# them at its first plan.

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
  # Chapter 4: the host's own TerminusDB, asked by the host itself (through
  # the SSH connection), so port 6363 stays closed to the network.
  terminusdb {
    url      = "http://127.0.0.1:6363"
    username = "admin"
    password = var.terminusdb_admin_password
  }
}

resource "spice_host" "this" {
  profile  = var.profile
  tier     = var.tier
  os       = ["ubuntu>=20.04", "debian>=11", "centos>=8"]
  runtimes = { python = ">=3.9" }
  enforce  = var.requirements_enforce
}

locals {
  app_dir = "/opt/spice-harvester"

  # What the profile changes besides the hardware minimums: the manual's
  # development and production settings.
  profiles = {
    development = {
      app_env   = "development"
      debug     = "true"
      log_level = "DEBUG"
      workers   = 2
      # The manual's kernel tuning is a production setting.
      kernel_tuning = false
    }
    production = {
      app_env   = "production"
      debug     = "false"
      log_level = "INFO"
      # gunicorn_config.py: workers = multiprocessing.cpu_count() * 2 + 1
      workers       = spice_host.this.facts.cpu_cores * 2 + 1
      kernel_tuning = true
    }
  }
  settings = local.profiles[var.profile]
}
