resource "aws_instance" "test" {
    count = "-5"
}
