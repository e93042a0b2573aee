# The import ID is the site link's path; the other paths take their
# defaults, enabled and message are read from the host.
terraform import spice_maintenance_mode.site /etc/nginx/sites-enabled/default
