output "boop" {
  value = "beep"
}