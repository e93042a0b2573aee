# What spice watch keeps in shape on the host itself (provider "spice" {}
# is the local host, no SSH): the message of the day, as an example of a
# managed file that an out-of-band edit changes back within moments.

provider "spice" {}

resource "spice_file" "motd" {
  path    = "/etc/motd"
  content = "This host is managed by spice; local edits are repaired.\n"
  mode    = "0644"
}
