variable "interval" {
  description = "How often spice watch checks what fsnotify cannot see (services, sysctls, ...)."
  type        = string
  default     = "60s"
}

variable "metrics_addr" {
  description = "Where spice watch serves /metrics and /healthz on the host: keep it on loopback and scrape through a tunnel or a local Prometheus."
  type        = string
  default     = "127.0.0.1:9464"
}
