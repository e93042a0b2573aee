resource "test_resource" "foo" {
  value = "bar"
}
