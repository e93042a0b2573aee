module "aws_instance" "web" {
  source = "foo"
}

module "aws_instance" "web" {
  source = "bar"
}
