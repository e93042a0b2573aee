resource "aws_instance" "foo" {
    nil = "1"
}
