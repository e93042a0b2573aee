provider "aws" {}
resource "aws_instance" "bar" {}
