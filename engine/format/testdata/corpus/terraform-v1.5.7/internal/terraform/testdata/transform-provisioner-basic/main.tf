resource "aws_instance" "web" {
    provisioner "shell" {}
}
