output "output" {
  value = tofu.workspace
}
