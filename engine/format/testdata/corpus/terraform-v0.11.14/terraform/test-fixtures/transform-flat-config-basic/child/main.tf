resource "aws_instance" "baz" {}
