resource "aws_instance" "foo" {
    provider = "aws.foo"
}
