resource "aws_instance" "foo" {
}

resource "aws_instance" "bar" {
}
