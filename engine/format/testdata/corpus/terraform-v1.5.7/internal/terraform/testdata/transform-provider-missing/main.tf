provider "aws" {}
resource "aws_instance" "web" {}
resource "foo_instance" "web" {}
