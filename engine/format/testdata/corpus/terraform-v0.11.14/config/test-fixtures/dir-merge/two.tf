resource "aws_instance" "db" {
}
