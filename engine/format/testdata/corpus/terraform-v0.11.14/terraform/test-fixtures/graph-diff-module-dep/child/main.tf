resource "aws_instance" "foo" {}

output "bar" {
    value = "baz"
}
