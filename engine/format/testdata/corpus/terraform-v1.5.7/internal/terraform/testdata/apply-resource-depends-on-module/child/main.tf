resource "aws_instance" "child" {
  ami = "child"
}
