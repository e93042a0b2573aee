variable "host" {
  description = "The application host (SSH)."
  type        = string
  default     = "10.0.0.5"
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

variable "service_user" {
  description = "The account the services run as."
  type        = string
  default     = "spice"
}

variable "service_group" {
  type    = string
  default = "spice"
}
