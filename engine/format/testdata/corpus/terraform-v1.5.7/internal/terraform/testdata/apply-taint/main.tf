resource "aws_instance" "bar" {
    num = "2"
}
