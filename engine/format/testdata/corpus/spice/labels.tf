resource aws_instance web {
  ami = "ami-1"
}
resource "aws_instance" /* why */ "db" {
}
data aws_ami "ubuntu" {}
provider aws {
  region = "eu-west-1"
}
module vpc { source = "./vpc" }
terraform {
  backend s3 {}
}
dynamic_blocks "a" {
  dynamic setting {
    for_each = var.s
    content {}
  }
}
