resource "aws_instance" "foo" {
  count = 3
}
