resource "aws_instance" "foo" {
    from = "child"
}
