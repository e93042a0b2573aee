data "aws_ami" "foo" {}

resource "aws_instance" "web" {}
