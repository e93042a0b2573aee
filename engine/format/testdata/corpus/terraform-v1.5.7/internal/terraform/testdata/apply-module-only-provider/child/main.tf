resource "aws_instance" "foo" {}
resource "test_instance" "foo" {}
