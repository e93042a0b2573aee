variable "service_user" {
  description = "The account the services run as."
  type        = string
  default     = "spice"
}

variable "service_group" {
  type    = string
  default = "spice"
}
