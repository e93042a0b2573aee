# What spice watch keeps in shape on the host itself (provider "spice" {}
# is the local host, no SSH): the manual's "Performance Tuning" (System
# Tuning), applied live and persisted in /etc/sysctl.d. A hand edit
# (`sysctl -w net.core.somaxconn=128`) is changed back within the watch
# interval. The outer configuration copies this file to the host and
# writes terraform.tfvars beside it (tuning.tf there).

provider "spice" {}

variable "kernel_tuning" {
  description = "Apply the manual's sysctl settings (the production profile); false: leave the kernel alone."
  type        = bool
}

variable "vm_runtime" {
  description = "Apply vm.swappiness live (a VM or bare metal), or only persist it for the next boot (false: a container, where vm.* belongs to the machine it runs on)."
  type        = bool
}

locals {
  # /etc/sysctl.conf additions
  net = var.kernel_tuning ? {
    "net.core.somaxconn"           = "65535"
    "net.ipv4.tcp_max_syn_backlog" = "65535"
    "net.ipv4.tcp_syncookies"      = "1"
    "net.ipv4.tcp_tw_reuse"        = "1"
    "net.ipv4.tcp_fin_timeout"     = "30"
  } : {}
}

resource "spice_sysctl" "net" {
  for_each = local.net
  name     = each.key
  value    = each.value
}

resource "spice_sysctl" "swappiness" {
  count   = var.kernel_tuning ? 1 : 0
  name    = "vm.swappiness"
  value   = "10"
  runtime = var.vm_runtime
}
