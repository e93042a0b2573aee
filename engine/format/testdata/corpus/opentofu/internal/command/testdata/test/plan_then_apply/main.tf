resource "test_resource" "foo" {
  id    = "constant_value"
  value = "bar"
}
