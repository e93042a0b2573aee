resource "aws_instance" "top" {}

# module "test" {
#   source = "./parent"
# }
