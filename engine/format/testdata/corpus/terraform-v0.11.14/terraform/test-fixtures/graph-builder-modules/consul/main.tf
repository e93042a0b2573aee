provider "aws" {}
resource "aws_instance" "server" {}
