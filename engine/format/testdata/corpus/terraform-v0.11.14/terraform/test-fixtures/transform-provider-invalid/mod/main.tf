resource "aws_resource" "foo" {
}
