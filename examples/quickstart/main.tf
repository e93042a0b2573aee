# The manual's "Installation and Setup" and "Service Configuration" as code:
# the application tree, its .env with a generated SECRET_KEY, and the OMS and
# BFF configuration files.
#
# On this machine (host = "local", the default) everything lives below
# var.root, which defaults to ./sandbox inside this example, so it runs
# without root privileges; set root = "/" to manage the real
# /opt/spice-harvester. On a host reached over SSH (set host, port, ...)
# it manages that host's /opt/spice-harvester.

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
  # This machine: the tree below ./sandbox (or var.root). A remote host:
  # its real paths.
  root = var.host != "local" ? null : (var.root != "" ? var.root : abspath("${path.module}/sandbox"))
}

locals {
  app_dir = var.app_dir
}

resource "spice_directory" "app" {
  path = local.app_dir
  mode = "0755"
}

# mkdir -p logs data/backups data/uploads; chmod 700 data/backups
resource "spice_directory" "logs" {
  path = "${spice_directory.app.path}/logs"
  mode = "0755"
}

resource "spice_directory" "data" {
  path = "${spice_directory.app.path}/data"
  mode = "0755"
}

resource "spice_directory" "backups" {
  path = "${spice_directory.data.path}/backups"
  mode = "0700"
}

resource "spice_directory" "uploads" {
  path = "${spice_directory.data.path}/uploads"
  mode = "0755"
}

resource "spice_directory" "config" {
  path = "${spice_directory.app.path}/config"
  mode = "0750"
}

# python -c "import secrets; print(secrets.token_urlsafe(32))"
resource "spice_secret" "secret_key" {}

resource "spice_secret" "terminus_key" {}

# .env with the manual's common variables; chmod 600 .env
resource "spice_env_file" "app" {
  path = "${spice_directory.app.path}/.env"
  mode = "0600"
  variables = {
    APP_NAME  = "spice-harvester"
    APP_ENV   = var.app_env
    DEBUG     = "false"
    LOG_LEVEL = "INFO"

    ALLOWED_HOSTS = join(",", var.allowed_hosts)
    CORS_ORIGINS  = join(",", var.cors_origins)

    TERMINUS_SERVER_URL = "http://localhost:6363"
    TERMINUS_USER       = "admin"
    TERMINUS_ACCOUNT    = "admin"

    OMS_BASE_URL    = "http://localhost:8000"
    BFF_BASE_URL    = "http://localhost:8002"
    FUNNEL_BASE_URL = "http://localhost:8003"

    WORKER_PROCESSES   = tostring(var.workers)
    WORKER_CONNECTIONS = "1000"
    REQUEST_TIMEOUT    = "30"
  }
  sensitive_variables = {
    SECRET_KEY   = spice_secret.secret_key.result
    TERMINUS_KEY = spice_secret.terminus_key.result
  }
}

resource "spice_file" "oms_config" {
  path = "${spice_directory.config.path}/oms.yml"
  mode = "0640"
  content = yamlencode({
    server     = { host = "0.0.0.0", port = 8000, workers = var.workers }
    database   = { pool_size = 10, max_overflow = 20, pool_timeout = 30 }
    validation = { max_property_count = 100, max_relationship_depth = 5 }
    caching    = { enabled = true, ttl = 3600 }
  })
}

resource "spice_file" "bff_config" {
  path = "${spice_directory.config.path}/bff.yml"
  mode = "0640"
  content = yamlencode({
    server         = { host = "0.0.0.0", port = 8002, workers = var.workers }
    rate_limiting  = { enabled = true, default_limit = 1000, window_seconds = 60 }
    authentication = { jwt_enabled = false, api_key_enabled = true }
  })
}
