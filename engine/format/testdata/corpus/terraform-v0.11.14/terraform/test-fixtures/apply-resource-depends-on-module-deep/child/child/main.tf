resource "aws_instance" "c" {}
