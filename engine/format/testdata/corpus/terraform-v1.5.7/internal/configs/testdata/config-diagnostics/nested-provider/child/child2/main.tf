provider "aws" {
  value = "foo"
}

output "my_output" {
  value = "my output"
}
