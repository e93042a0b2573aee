data "aws_instance" "foo" {
  count = 3
}
