resource "aws_instance" "web" {
  count = 5
}

resource "aws_instance" "web" {
  count = 10
}
