resource "aws_instance" "child" {}
