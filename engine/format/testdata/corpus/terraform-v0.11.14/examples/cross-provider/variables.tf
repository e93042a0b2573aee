variable "dnsimple_domain" {
  description = "The domain we are creating a record for."
}
