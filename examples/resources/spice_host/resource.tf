# The manual's production host, recommended tier, with its software
# requirements. On a smaller host the plan fails with one error listing every
# unmet requirement, e.g. "cpu_cores: 2 < 16 (production/recommended)".
resource "spice_host" "oms" {
  profile = "production"
  tier    = "recommended"
  os      = ["ubuntu>=20.04", "debian>=11", "centos>=8"]
  runtimes = {
    python         = ">=3.9"
    docker         = ">=20.10"
    docker_compose = ">=2.0"
    git            = ">=2.25"
  }
}

# A development VM (another provider configuration): the development
# minimum, but a smaller disk is enough, the VM cannot see its link speed,
# and a shortfall is reported as a warning, not fatal.
provider "spice" {
  alias = "dev"
  host  = "dev1.example.internal"
}

resource "spice_host" "dev" {
  provider         = spice.dev
  profile          = "development"
  min_storage_gb   = 30
  min_network_mbps = 0
  enforce          = "warn"
}

# Facts are values for expressions: the manual's gunicorn rule,
# workers = multiprocessing.cpu_count() * 2 + 1.
resource "spice_file" "gunicorn_config" {
  path    = "/opt/spice-harvester/gunicorn_config.py"
  content = <<-EOT
    workers = ${spice_host.oms.facts.cpu_cores * 2 + 1}
    worker_class = "uvicorn.workers.UvicornWorker"
    worker_connections = 1000
    timeout = 300
  EOT
}

output "oms_violations" {
  value = spice_host.oms.violations
}
