variable "host" {
  description = "The host that runs TerminusDB and holds the backups (SSH)."
  type        = string
  default     = "10.0.0.5"
}

variable "port" {
  type    = number
  default = 22
}

variable "ssh_user" {
  description = "SSH user; anyone but root uses sudo."
  type        = string
  default     = "deploy"
}

variable "private_key_file" {
  type    = string
  default = "~/.ssh/id_ed25519"
}

variable "known_hosts_file" {
  type    = string
  default = "~/.ssh/known_hosts"
}

variable "services" {
  description = "The spice_service names whose restart-to-healthy time counts towards the RTO."
  type        = list(string)
  default     = ["spice-harvester-bff", "spice-harvester-oms", "spice-harvester-funnel"]
}

variable "enforcement" {
  description = "\"error\" fails the plan on a breached objective; \"warn\" reports it."
  type        = string
  default     = "warn"
  validation {
    condition     = contains(["error", "warn"], var.enforcement)
    error_message = "enforcement is \"error\" or \"warn\"."
  }
}
