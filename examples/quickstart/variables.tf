variable "root" {
  type        = string
  default     = ""
  description = "With host = \"local\": the directory the tree is managed below. Empty: ./sandbox inside this example. \"/\": this machine's real paths. Ignored for a remote host."
}

variable "app_dir" {
  type        = string
  default     = "/opt/spice-harvester"
  description = "Application directory, as seen below root."
}

variable "app_env" {
  type        = string
  default     = "production"
  description = "APP_ENV in .env."
  validation {
    condition     = contains(["development", "production"], var.app_env)
    error_message = "app_env must be \"development\" or \"production\"."
  }
}

variable "allowed_hosts" {
  type        = list(string)
  default     = ["api.example.com", "localhost"]
  description = "ALLOWED_HOSTS in .env."
}

variable "cors_origins" {
  type        = list(string)
  default     = ["https://app.example.com"]
  description = "CORS_ORIGINS in .env."
}

variable "workers" {
  type        = number
  default     = 4
  description = "Worker processes for OMS and BFF (WORKER_PROCESSES, server.workers)."
}
