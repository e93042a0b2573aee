# This machine, managed directly.
provider "spice" {}

# A tree below a directory instead of / ("image mode"): files are written,
# nothing live is touched.
provider "spice" {
  alias = "image"
  root  = "/srv/images/oms-rootfs"
}

# A host reached over SSH (the host key is verified).
provider "spice" {
  alias            = "oms1"
  host             = "10.0.0.6"
  user             = "deploy"
  private_key_file = "~/.ssh/id_ed25519"
  known_hosts_file = "~/.ssh/known_hosts"
  sudo             = true
}
