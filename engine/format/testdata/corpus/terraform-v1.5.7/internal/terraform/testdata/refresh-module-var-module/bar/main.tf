variable "value" {}

resource "aws_instance" "bar" {}
