# The manual's BFF as a systemd service: restarted when its configuration
# changes, and the apply waits until /health answers 200 on the host.
resource "spice_service" "bff" {
  name              = "spice-harvester-bff"
  description       = "SPICE HARVESTER BFF (public API, :8002)"
  exec_start        = "/opt/spice-harvester/venv/bin/python -m bff.main"
  working_directory = "/opt/spice-harvester/backend"
  user              = "spice"
  group             = "spice"
  environment_file  = "/opt/spice-harvester/.env" # secrets here (mode 0600), not in environment
  environment       = { SERVICE_CONFIG = "/opt/spice-harvester/config/bff.yml" }
  restart           = "always"
  restart_sec       = "1s"
  limit_nofile      = 65536
  after             = ["network-online.target"]
  wants             = ["network-online.target"]

  restart_triggers = {
    config = spice_file.bff_config.sha256
  }

  health_check {
    url          = "http://127.0.0.1:8002/health"
    start_period = "60s"
  }
}

resource "spice_file" "bff_config" {
  path    = "/opt/spice-harvester/config/bff.yml"
  content = yamlencode({ server = { host = "0.0.0.0", port = 8002, workers = 4 } })
}
