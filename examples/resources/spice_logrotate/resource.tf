# The manual's rotation: the services' logs daily, 7 days kept ...
resource "spice_logrotate" "services" {
  name = "spice-harvester-services"
  paths = [
    "/opt/spice-harvester/logs/oms.log",
    "/opt/spice-harvester/logs/bff.log",
    "/opt/spice-harvester/logs/funnel.log",
  ]
  frequency = "daily"
  rotate    = 7
  compress  = true
}

# ... access and error logs daily, 30 days kept; the web server is told to
# reopen its logs once after each rotation.
resource "spice_logrotate" "web" {
  name          = "spice-harvester-web"
  paths         = ["/opt/spice-harvester/logs/access.log", "/opt/spice-harvester/logs/error.log"]
  frequency     = "daily"
  rotate        = 30
  compress      = true
  delaycompress = true
  create        = "0640 www-data adm"
  postrotate    = <<-EOT
    systemctl kill -s USR1 nginx.service || true
  EOT
}
