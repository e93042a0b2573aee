output "changed" {
  value = "after"
}
