variable "in" {}

aws_instance "foo" {}
