resource "aws_instance" "foo" {}
