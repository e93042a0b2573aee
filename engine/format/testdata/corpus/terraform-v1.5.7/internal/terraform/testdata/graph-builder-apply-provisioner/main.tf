resource "test_object" "foo" {
  provisioner "test" {}
}
