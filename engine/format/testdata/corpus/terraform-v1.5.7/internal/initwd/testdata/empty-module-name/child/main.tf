output "boop" {
  value = "beep"
}
