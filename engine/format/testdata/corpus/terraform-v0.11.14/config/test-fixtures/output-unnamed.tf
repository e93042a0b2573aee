output "okay" {
  value = "bar"
}

output {
  value = "foo"
}
