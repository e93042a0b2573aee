variable "content" {
  type = string
}

output "file_name" {
  value = "output_value"
}
