output "foo" {
  value = ""
}
