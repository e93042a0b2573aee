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
