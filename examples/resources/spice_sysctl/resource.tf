# Applied live and persisted to /etc/sysctl.d/60-spice-net.core.somaxconn.conf.
resource "spice_sysctl" "somaxconn" {
  name  = "net.core.somaxconn"
  value = "65535"
}

# A multi-value key: compared in the kernel's normal form, so it converges
# although the kernel prints it with a tab.
resource "spice_sysctl" "port_range" {
  name  = "net.ipv4.ip_local_port_range"
  value = "32768 60999"
}

# Several keys in one shared file: each resource edits only its own line.
resource "spice_sysctl" "syncookies" {
  name  = "net.ipv4.tcp_syncookies"
  value = "1"
  file  = "/etc/sysctl.d/60-spice-tuning.conf"
}

# Persist only, for the next boot (e.g. a key of a module not loaded yet).
resource "spice_sysctl" "swappiness" {
  name    = "vm.swappiness"
  value   = "10"
  runtime = false
}
