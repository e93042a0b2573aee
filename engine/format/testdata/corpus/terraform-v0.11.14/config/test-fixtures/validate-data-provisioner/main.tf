data "foo" "bar" {
  provisioner "local-exec" {}
}
