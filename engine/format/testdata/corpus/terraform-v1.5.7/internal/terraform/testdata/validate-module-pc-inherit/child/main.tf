provider "aws" {}

resource "aws_instance" "foo" {}
