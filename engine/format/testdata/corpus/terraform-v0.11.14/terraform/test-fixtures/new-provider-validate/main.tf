provider "aws" {
  foo = "bar"
}

resource "aws_instance" "foo" {}
