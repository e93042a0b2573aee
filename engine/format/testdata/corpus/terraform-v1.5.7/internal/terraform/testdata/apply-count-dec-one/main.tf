resource "aws_instance" "foo" {
    foo = "foo"
}
