output "hello" {
  value = "hello"
}

invalid "block" "type " {
}
