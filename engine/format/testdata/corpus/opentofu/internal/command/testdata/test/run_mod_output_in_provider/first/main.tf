output "password" {
  value = "p"
}
