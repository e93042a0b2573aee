variable "foo" {}

output "result" {
  value = var.foo
}
