resource "test_resource" "primary" {
  value = "foo"
}
