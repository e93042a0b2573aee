resource "aws_instance" "foo" {
  id = "baz"
}
