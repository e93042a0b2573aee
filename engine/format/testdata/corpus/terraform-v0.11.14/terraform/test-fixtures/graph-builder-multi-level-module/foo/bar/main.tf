variable "bar" {}
output "value" { value = "${var.bar}" }
