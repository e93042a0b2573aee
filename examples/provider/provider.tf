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

# The host's TerminusDB, for spice_terminusdb_database: reached by the host
# itself, so 127.0.0.1:6363 is the host's own loopback.
variable "terminusdb_admin_password" {
  type      = string
  sensitive = true
}

provider "spice" {
  alias = "db1"
  host  = "10.0.0.7"
  terminusdb {
    url      = "http://127.0.0.1:6363"
    username = "admin"
    password = var.terminusdb_admin_password
  }
}
