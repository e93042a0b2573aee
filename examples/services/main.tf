# The manual's three SPICE HARVESTER services (BFF :8002, OMS :8000,
# Funnel :8003) as systemd units instead of `sudo systemctl start ...` and
# the recovery script's `restart; sleep 5; curl -f .../health`:
#
# - one .env (mode 0600) with the common variables and a generated
#   SECRET_KEY, read by every unit through EnvironmentFile=;
# - one configuration file per service; its sha256 is the service's
#   restart trigger, so a changed configuration restarts that service only;
# - LimitNOFILE=65536 on each unit: the manual's limits.conf lines do not
#   apply to systemd services;
# - Restart=always, so a crashed service comes back by itself (the
#   manual's "service crash" scenario, RTO 5 minutes);
# - a health check at http://127.0.0.1:PORT/health, made from the host
#   itself (over the SSH connection), gating every start and restart; a
#   unit systemd gives up on (a missing venv: 203/EXEC) fails the apply at
#   once with its journal's last lines;
# - refresh asks each health check once: a hung service (still "active",
#   its endpoint silent) shows as `healthy = false -> true` in the plan and
#   the apply restarts it (restart_on_unhealthy, the default);
# - `check` blocks assert every endpoint's health, TerminusDB's too, as
#   warnings on each plan and apply.

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

  services = {
    bff = {
      port        = 8002
      module      = "bff.main"
      description = "SPICE HARVESTER BFF (public API)"
      config = {
        server        = { host = "0.0.0.0", port = 8002, workers = 4 }
        rate_limiting = { enabled = true, default_limit = 1000, window_seconds = 60 }
        authentication = {
          jwt_enabled     = false
          api_key_enabled = true
        }
      }
    }
    oms = {
      port        = 8000
      module      = "oms.main"
      description = "SPICE HARVESTER OMS (ontology management)"
      config = {
        server     = { host = "0.0.0.0", port = 8000, workers = 4 }
        database   = { pool_size = 10, max_overflow = 20, pool_timeout = 30 }
        validation = { max_property_count = 100, max_relationship_depth = 5 }
        caching    = { enabled = true, ttl = 3600 }
      }
    }
    funnel = {
      port        = 8003
      module      = "funnel.main"
      description = "SPICE HARVESTER Funnel (type inference)"
      config = {
        server = { host = "0.0.0.0", port = 8003, workers = 4 }
      }
    }
  }
}

resource "spice_directory" "config" {
  path  = "${local.app_dir}/config"
  mode  = "0750"
  owner = "root"
  group = var.service_group
}

# python -c "import secrets; print(secrets.token_urlsafe(32))"
resource "spice_secret" "secret_key" {}

# The manual's common variables; secrets only here, never in a unit's
# environment (unit files are world-readable).
resource "spice_env_file" "app" {
  path  = "${local.app_dir}/.env"
  mode  = "0600"
  owner = var.service_user
  variables = {
    APP_NAME            = "spice-harvester"
    APP_ENV             = "production"
    DEBUG               = "false"
    LOG_LEVEL           = "INFO"
    TERMINUS_SERVER_URL = "http://localhost:6363"
    TERMINUS_USER       = "admin"
    TERMINUS_ACCOUNT    = "admin"
    OMS_BASE_URL        = "http://localhost:8000"
    BFF_BASE_URL        = "http://localhost:8002"
    FUNNEL_BASE_URL     = "http://localhost:8003"
    WORKER_PROCESSES    = "4"
    WORKER_CONNECTIONS  = "1000"
    REQUEST_TIMEOUT     = "30"
  }
  sensitive_variables = {
    SECRET_KEY = spice_secret.secret_key.result
  }
}

# config/oms.yml, config/bff.yml, config/funnel.yml
resource "spice_file" "config" {
  for_each = local.services
  path     = "${spice_directory.config.path}/${each.key}.yml"
  mode     = "0640"
  group    = var.service_group
  content  = yamlencode(each.value.config)
}

resource "spice_service" "app" {
  for_each = local.services

  name              = "spice-harvester-${each.key}"
  description       = each.value.description
  exec_start        = "${local.app_dir}/venv/bin/python -m ${each.value.module}"
  working_directory = var.backend_dir
  user              = var.service_user
  group             = var.service_group
  environment_file  = spice_env_file.app.path
  environment = {
    SERVICE_CONFIG = spice_file.config[each.key].path
  }
  restart      = "always"
  restart_sec  = "1s"
  limit_nofile = 65536
  after        = ["network-online.target"]
  wants        = ["network-online.target"]

  restart_triggers = {
    config = spice_file.config[each.key].sha256
    env    = spice_env_file.app.sha256
  }

  health_check {
    url          = "http://127.0.0.1:${each.value.port}/health"
    interval     = "2s"
    start_period = "60s"
  }
}

# The manual's health checks, as warnings on every plan and apply: each
# endpoint, TerminusDB's too, probed from the host. These data sources stand
# outside the check blocks on purpose: Terraform re-reads a data source
# nested in a check block at every apply, so its plans would never be empty.
locals {
  endpoints = {
    bff        = "http://127.0.0.1:8002/health"
    oms        = "http://127.0.0.1:8000/health"
    funnel     = "http://127.0.0.1:8003/health"
    terminusdb = "http://127.0.0.1:6363/api/ok" # runs outside these units (docker)
  }
}

data "spice_http_check" "endpoint" {
  for_each = local.endpoints
  url      = each.value
  timeout  = "2s"
  # Probed after the services are (re)started, not before.
  depends_on = [spice_service.app]
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

output "services" {
  description = "Each service's systemd state, main process and health as last read."
  value = {
    for k, s in spice_service.app : s.id => {
      active_state = s.active_state
      main_pid     = s.main_pid
      healthy      = s.healthy
    }
  }
}
