output "foo" {
  value       = "5"
  description = "Number 5"
}
