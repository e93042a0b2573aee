resource "null_resource" "foo" {
    provisioner "local" {}
}
