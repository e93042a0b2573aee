# The manual's "Performance Tuning" and the nofile limits of its
# installation, as code: declared once instead of appended to
# /etc/sysctl.conf and limits.conf by hand (and again on every run).
#
# The module ./host applies the set to the host of the provider it is
# given. For a fleet, add one provider alias and one module call per host
# (provider blocks cannot be generated with for_each); README.md shows it.

terraform {
  required_version = ">= 1.5"
  required_providers {
    spice = {
      source = "spice-harvester/spice"
    }
  }
}

provider "spice" {
  host             = var.host
  port             = var.port
  user             = var.ssh_user
  private_key_file = var.private_key_file
  known_hosts_file = var.known_hosts_file
  sudo             = var.ssh_user != "root"
}

# No default on purpose: a container shares the vm.* keys with the machine
# it runs on and may not write them, so setting vm.swappiness live fails
# there, and only at apply. Decide for the host you have.
variable "vm_runtime" {
  description = "true: apply vm.swappiness live and persist it (a VM or bare metal). false: only persist it for the next boot (a container, such as the test hosts)."
  type        = bool
}

module "tuning" {
  source     = "./host"
  vm_runtime = var.vm_runtime
}

output "original_values" {
  description = "The net.* values found before spice changed them, restored on destroy."
  value       = module.tuning.original_values
}
