resource "aws_instance" "foo" {
    provisioner "shell" {}
}
