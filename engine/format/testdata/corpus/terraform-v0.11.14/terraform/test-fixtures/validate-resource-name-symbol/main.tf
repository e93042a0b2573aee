resource "aws_instance" "foo bar" {
    num = "2"
}
