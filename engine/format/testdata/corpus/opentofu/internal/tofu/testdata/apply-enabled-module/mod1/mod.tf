resource "test_instance" "a" {
  value = "updated"
}

output "result" {
  value = "module is enabled"
}
