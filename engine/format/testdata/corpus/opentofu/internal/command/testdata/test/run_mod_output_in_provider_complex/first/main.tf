output "password" {
  value = "password"
}

output "domain" {
  value = "d"
}
