resource "test_resource" "foo" {
  value = "foo"
}

resource "test_resource" "bar" {
  value = "bar"
}
