output "password" {
  value = "p"
}

output "region" {
  value = "r"
}
