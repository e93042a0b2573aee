output "out1" {
  value = "value1"
  deprecated = "Use new_out1"
}

output "out2" {
  value = "value2"
  deprecated = "Use new_out2"
}

output "out3" {
  value = "value3"
  deprecated = "Use new_out3"
}