resource "test_resource" "foo" {
  random = "${uuid()}"
}
