provider "aws" {
}

output "my_output" {
  value = "my output"
}
