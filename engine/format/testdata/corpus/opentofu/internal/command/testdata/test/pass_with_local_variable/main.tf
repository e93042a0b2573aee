output "foo" {
  description = "Output"
  value = "bar"
}