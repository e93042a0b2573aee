output "hello" {
  value = "Hello from foo/bar"
}
