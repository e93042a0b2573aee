resource "aws_instance" "foo" {
    lifecycle {}
    lifecycle {}
}
