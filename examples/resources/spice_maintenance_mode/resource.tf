# The manual's maintenance window: flip enabled to true before an update
# and back to false after it. The two nginx sites are the manual's
# /etc/nginx/sites-available/production and .../maintenance.
variable "maintenance" {
  type    = bool
  default = false
}

resource "spice_maintenance_mode" "site" {
  enabled = var.maintenance
  message = "System under maintenance"

  # The manual's paths (these are the defaults):
  status_file      = "/var/www/maintenance.json"
  site_link        = "/etc/nginx/sites-enabled/default"
  production_site  = "/etc/nginx/sites-available/production"
  maintenance_site = "/etc/nginx/sites-available/maintenance"
}
