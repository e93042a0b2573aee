# Chapter 3, "Service Configuration": config/oms.yml, config/bff.yml (and
# Funnel's) and the production mode's systemd services, in place of
# `sudo systemctl start spice-harvester-*` and the recovery script's
# `restart; sleep 5; curl -f .../health`:
#
# - each service restarts when its configuration, .env, the checked-out
#   commit or the venv's requirements change (restart_triggers), and the
#   apply waits until its /health answers 200 on the host;
# - Restart=always brings a crashed service back by itself (the "service
#   crash" row of chapter 10, RTO 5 minutes);
# - LimitNOFILE=65536: the manual's limits.conf lines do not apply to
#   systemd services.

locals {
  services = {
    bff = {
      port        = 8002
      description = "SPICE HARVESTER BFF (public API)"
      config = {
        server         = { host = "0.0.0.0", port = 8002, workers = local.settings.workers }
        rate_limiting  = { enabled = true, default_limit = 1000, window_seconds = 60 }
        authentication = { jwt_enabled = false, api_key_enabled = true }
      }
    }
    oms = {
      port        = 8000
      description = "SPICE HARVESTER OMS (ontology management)"
      config = {
        server     = { host = "0.0.0.0", port = 8000, workers = local.settings.workers }
        database   = { pool_size = 10, max_overflow = 20, pool_timeout = 30 }
        validation = { max_property_count = 100, max_relationship_depth = 5 }
        caching    = { enabled = true, ttl = 3600 }
      }
    }
    funnel = {
      port        = 8003
      description = "SPICE HARVESTER Funnel (type inference)"
      config = {
        server = { host = "0.0.0.0", port = 8003, workers = local.settings.workers }
      }
    }
  }
}

# cp config/production.yml.example config/production.yml, one file per
# service: config/oms.yml, config/bff.yml, config/funnel.yml.
resource "spice_file" "config" {
  for_each = local.services
  path     = "${spice_directory.config.path}/${each.key}.yml"
  mode     = "0640"
  owner    = "root"
  group    = spice_group.app.name
  content  = yamlencode(each.value.config)
}

# sudo systemctl start spice-harvester-bff (and oms, funnel)
resource "spice_service" "app" {
  for_each          = local.services
  name              = "spice-harvester-${each.key}"
  description       = each.value.description
  exec_start        = "${spice_python_venv.app.path}/bin/python -m ${each.key}.main"
  working_directory = "${spice_git_checkout.app.path}/backend"
  user              = spice_user.app.name
  group             = spice_group.app.name
  environment_file  = spice_env_file.app.path
  environment = {
    SERVICE_CONFIG = spice_file.config[each.key].path
  }
  restart      = "always"
  restart_sec  = "1s"
  limit_nofile = 65536
  after        = ["network-online.target", "${spice_service.terminusdb.name}.service"]
  wants        = ["network-online.target"]

  restart_triggers = {
    config       = spice_file.config[each.key].sha256
    env          = spice_env_file.app.sha256
    commit       = spice_git_checkout.app.commit
    requirements = spice_python_venv.app.requirements_sha256
  }

  health_check {
    url          = "http://127.0.0.1:${each.value.port}/health"
    interval     = "1s"
    start_period = "60s"
  }

  depends_on = [spice_directory.logs, spice_directory.uploads]
}
