variable "service_user" {
  description = "The account the services run as."
  type        = string
  default     = "spice"
}

variable "service_group" {
  type    = string
  default = "spice"
}

variable "backend_dir" {
  description = "Where the services' packages are: the checkout's backend/ (the installation example's backend_dir output, /opt/spice-harvester/src/backend), or the fake app's."
  type        = string
  default     = "/opt/spice-harvester/backend"
}
