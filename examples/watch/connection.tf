# The host this example manages, the same five variables in every example.
# `make testhosts-up` prints them for a test host as a ready
# testhost.auto.tfvars; copy it into this directory.

variable "host" {
  description = "Address of the host to manage over SSH, without a port (set port). \"local\": this machine, without SSH."
  type        = string
  default     = "local"
}

variable "port" {
  description = "SSH port."
  type        = number
  default     = 22
}

variable "ssh_user" {
  description = "SSH user. Anyone but root runs privileged commands with sudo -n."
  type        = string
  default     = "root"
}

variable "private_key_file" {
  description = "SSH private key for ssh_user."
  type        = string
  default     = "~/.ssh/id_ed25519"
}

variable "known_hosts_file" {
  description = "known_hosts file holding the host's key (checked; an unknown key is an error)."
  type        = string
  default     = "~/.ssh/known_hosts"
}
