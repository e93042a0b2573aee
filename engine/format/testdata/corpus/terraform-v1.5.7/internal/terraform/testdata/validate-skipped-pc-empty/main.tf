resource "aws_instance" "test" {}
