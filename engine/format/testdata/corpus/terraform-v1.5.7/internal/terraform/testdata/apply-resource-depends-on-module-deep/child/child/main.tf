resource "aws_instance" "c" {
  ami = "grandchild"
}
