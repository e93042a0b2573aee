# The manual's tuning for the host of the `spice` provider this module
# receives.

terraform {
  required_providers {
    spice = {
      source = "spice-harvester/spice"
    }
  }
}

variable "net" {
  description = "net.* keys from the manual's Performance Tuning."
  type        = map(string)
  default = {
    "net.core.somaxconn"           = "65535"
    "net.ipv4.tcp_max_syn_backlog" = "65535"
    "net.ipv4.tcp_syncookies"      = "1"
    "net.ipv4.tcp_tw_reuse"        = "1"
    "net.ipv4.tcp_fin_timeout"     = "30"
  }
}

variable "swappiness" {
  description = "vm.swappiness; the manual uses 10."
  type        = string
  default     = "10"
}

variable "vm_runtime" {
  description = "Apply vm.* live (true) or only persist it for the next boot (false: inside a container, where vm.* belongs to the machine it runs on)."
  type        = bool
}

variable "nofile" {
  description = "Soft and hard open-file limit of login sessions (`* soft/hard nofile`)."
  type        = number
  default     = 65536
}

resource "spice_sysctl" "net" {
  for_each = var.net
  name     = each.key
  value    = each.value
}

resource "spice_sysctl" "swappiness" {
  name    = "vm.swappiness"
  value   = var.swappiness
  runtime = var.vm_runtime
}

# PAM limits apply to login sessions only. The services get their limit
# from their units: spice_service's limit_nofile.
resource "spice_limits" "nofile" {
  for_each = toset(["soft", "hard"])
  domain   = "*"
  type     = each.key
  item     = "nofile"
  value    = tostring(var.nofile)
}

output "original_values" {
  description = "The values found before spice changed them, restored on destroy."
  value       = { for k, r in spice_sysctl.net : k => r.original_value }
}
