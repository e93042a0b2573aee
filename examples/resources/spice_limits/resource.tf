# The manual's `* soft nofile 65536` / `* hard nofile 65536`, once, in
# /etc/security/limits.d/60-spice.conf. They apply to new login sessions
# of every user but root; systemd services get theirs from the unit
# (spice_service's limit_nofile), not from PAM.
resource "spice_limits" "nofile_soft" {
  domain = "*"
  type   = "soft"
  item   = "nofile"
  value  = "65536"
}

resource "spice_limits" "nofile_hard" {
  domain = "*"
  type   = "hard"
  item   = "nofile"
  value  = "65536"
}

# A group, both soft and hard, in a file of its own.
resource "spice_limits" "staff_nproc" {
  domain = "@staff"
  type   = "-"
  item   = "nproc"
  value  = "unlimited"
  file   = "/etc/security/limits.d/70-staff.conf"
}
