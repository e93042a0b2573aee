resource "aws_instance" "bar" {
}
