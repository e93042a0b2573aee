provider "aws" {
  foo = "bar"
}

resource "aws_instance" "foo" {}
resource "do_droplet" "bar" {}
