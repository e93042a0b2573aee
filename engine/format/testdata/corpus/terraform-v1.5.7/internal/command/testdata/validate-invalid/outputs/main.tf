output "myvalue" {
  values = "Some value"
}
