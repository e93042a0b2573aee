resource "spice_file" "oms_config" {
  path = "/opt/spice-harvester/config/oms.yml"
  mode = "0640"
  content = yamlencode({
    server   = { host = "0.0.0.0", port = 8000, workers = 4 }
    database = { pool_size = 10, max_overflow = 20, pool_timeout = 30 }
  })
}
