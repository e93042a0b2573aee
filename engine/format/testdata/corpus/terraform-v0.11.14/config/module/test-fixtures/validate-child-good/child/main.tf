variable "memory" {}

output "result" { value = "foo" }
