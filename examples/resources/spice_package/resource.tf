# The manual's apt install, in one transaction with every other
# spice_package of the host, after an apt-get update when the lists are
# older than an hour.
resource "spice_package" "git" {
  name                 = "git"
  update_cache_max_age = "1h"
}

# A version prefix, held so that upgrades leave it alone.
resource "spice_package" "python" {
  name    = "python3.11"
  version = "3.11.*"
  hold    = true
}

# Kept off the host.
resource "spice_package" "telnetd" {
  name  = "telnetd"
  state = "absent"
}
