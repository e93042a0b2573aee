output "length" {
  value = 3
}
