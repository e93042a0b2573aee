# The manual's "Performance Tuning" and the nofile limits of its
# installation, as code: declared once instead of appended to
# /etc/sysctl.conf and limits.conf by hand (and again on every run).
#
# The module ./host applies the set to one host; below it is applied to
# one host and to a fleet of provider aliases.

terraform {
  required_version = ">= 1.5"
  required_providers {
    spice = {
      source = "spice-harvester/spice"
    }
  }
}

# One host.
provider "spice" {
  alias            = "oms1"
  host             = "10.0.0.6"
  user             = "deploy"
  private_key_file = "~/.ssh/id_ed25519"
  known_hosts_file = "~/.ssh/known_hosts"
  sudo             = true
}

module "oms1" {
  source    = "./host"
  providers = { spice = spice.oms1 }
}

# A fleet: one provider alias per host (provider blocks cannot be
# generated with for_each), each handed to the same module.
provider "spice" {
  alias            = "bff1"
  host             = "10.0.0.7"
  user             = "deploy"
  private_key_file = "~/.ssh/id_ed25519"
  known_hosts_file = "~/.ssh/known_hosts"
  sudo             = true
}

provider "spice" {
  alias            = "bff2"
  host             = "10.0.0.8"
  user             = "deploy"
  private_key_file = "~/.ssh/id_ed25519"
  known_hosts_file = "~/.ssh/known_hosts"
  sudo             = true
}

module "bff1" {
  source    = "./host"
  providers = { spice = spice.bff1 }
}

module "bff2" {
  source    = "./host"
  providers = { spice = spice.bff2 }
  # A container shares the kernel's vm.* keys with its host: persist only.
  vm_runtime = false
}
