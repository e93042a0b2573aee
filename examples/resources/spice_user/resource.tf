# The account the services run as: no login shell, home in the
# application directory, in the docker group (and only there, besides its
# primary group).
resource "spice_user" "spice" {
  name   = "spice"
  system = true
  group  = "spice"
  home   = "/opt/spice-harvester"
  shell  = "/usr/sbin/nologin"
  groups = ["docker"]
}
