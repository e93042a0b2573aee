provider "aws" {
    value = "foo"
}

resource "aws_instance" "foo" {}
