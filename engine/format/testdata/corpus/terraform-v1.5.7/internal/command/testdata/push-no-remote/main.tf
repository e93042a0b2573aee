resource "aws_instance" "foo" {}

atlas {
    name = "foo"
}
