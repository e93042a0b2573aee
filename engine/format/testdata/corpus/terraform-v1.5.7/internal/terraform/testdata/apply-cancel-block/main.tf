resource "aws_instance" "foo" {
    num = "2"
}
