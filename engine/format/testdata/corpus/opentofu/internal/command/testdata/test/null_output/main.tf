output "my_null_output" {
  value = null
}