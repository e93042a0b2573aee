resource "aws_instance" "web" {
    provisioner "foo" {}
}
