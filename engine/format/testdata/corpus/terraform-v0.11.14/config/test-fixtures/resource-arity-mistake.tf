# I forgot the resource name!
resource "aws_instance" {
  ami = "ami-abc123"
  instance_type = "t2.micro"
}
