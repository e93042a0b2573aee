# Chapter 11, "Maintenance Procedures": nginx in front of the BFF, and
# scripts/maintenance_mode.sh as spice_maintenance_mode. Set
# var.maintenance = true and apply to enable it (the status file
# /var/www/maintenance.json is written, the site link swapped to the
# maintenance site, `nginx -t` and `nginx -s reload`), false to disable it.
#
# The update procedure ("Application Updates": maintenance on, back up,
# pull, pip install, restart, health checks, maintenance off) is one apply
# of a new var.ref: the checkout and venv are swapped atomically and each
# service restarts on the new commit, gated by its health check. Across a
# fleet, `spice apply -rollout=1` takes one host at a time.

resource "spice_directory" "www" {
  path = "/var/www"
  mode = "0755"
}

# /etc/nginx/sites-available/production: the public API (BFF).
resource "spice_file" "production_site" {
  path       = "/etc/nginx/sites-available/production"
  mode       = "0644"
  content    = <<-EOT
    # Managed by spice (examples/spice-harvester/maintenance.tf).
    server {
        listen ${var.http_port} default_server;
        location / {
            proxy_pass http://127.0.0.1:${local.services.bff.port};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }
    }
  EOT
  depends_on = [spice_package.this]
}

# /etc/nginx/sites-available/maintenance: every request answers 503 with
# the status file.
resource "spice_file" "maintenance_site" {
  path       = "/etc/nginx/sites-available/maintenance"
  mode       = "0644"
  content    = <<-EOT
    # Managed by spice (examples/spice-harvester/maintenance.tf).
    server {
        listen ${var.http_port} default_server;
        root ${spice_directory.www.path};
        error_page 503 /maintenance.json;
        location = /maintenance.json {
            internal;
        }
        location / {
            return 503;
        }
    }
  EOT
  depends_on = [spice_package.this]
}

# scripts/maintenance_mode.sh enable|disable
resource "spice_maintenance_mode" "site" {
  enabled          = var.maintenance
  message          = "System under maintenance"
  status_file      = "${spice_directory.www.path}/maintenance.json"
  site_link        = "/etc/nginx/sites-enabled/default"
  production_site  = spice_file.production_site.path
  maintenance_site = spice_file.maintenance_site.path
}
