resource "aws_instance" "web" {
}

output "ip" {
  value = "foo"
}

output "ip" {
  value = "bar"
}
