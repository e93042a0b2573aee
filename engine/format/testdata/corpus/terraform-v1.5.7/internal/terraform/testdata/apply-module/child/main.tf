resource "aws_instance" "baz" {
    foo = "bar"
}
