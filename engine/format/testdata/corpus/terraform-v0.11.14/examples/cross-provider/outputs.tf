output "address" {
  value = "${dnsimple_record.web.hostname}"
}
