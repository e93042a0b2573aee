resource "aws_instance" "test" {
    foo = "bar"
}
