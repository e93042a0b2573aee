# The facts of the provider's host, for expressions.
data "spice_host" "this" {}

locals {
  # The manual's gunicorn rule: workers = multiprocessing.cpu_count() * 2 + 1.
  workers = data.spice_host.this.facts.cpu_cores * 2 + 1
}

resource "spice_file" "oms_config" {
  path = "/opt/spice-harvester/config/oms.yml"
  mode = "0640"
  content = yamlencode({
    server   = { host = "0.0.0.0", port = 8000, workers = local.workers }
    database = { pool_size = 10, max_overflow = 20, pool_timeout = 30 }
  })
}

output "host" {
  value = "${data.spice_host.this.facts.hostname}: ${data.spice_host.this.facts.os_id} ${data.spice_host.this.facts.os_version}, ${data.spice_host.this.facts.cpu_cores} cores, ${data.spice_host.this.facts.memory_mb} MB"
}
