output "hello" {
  value = "hello"
}
