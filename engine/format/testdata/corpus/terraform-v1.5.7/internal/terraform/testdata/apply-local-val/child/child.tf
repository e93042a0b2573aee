
output "result" {
  value = "hello"
}
