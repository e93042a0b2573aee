variable "value" {}

output "result" { value = "${var.value}" }
