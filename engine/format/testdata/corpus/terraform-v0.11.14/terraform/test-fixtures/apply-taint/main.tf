resource "aws_instance" "bar" {
    id = "foo"
    num = "2"
}
