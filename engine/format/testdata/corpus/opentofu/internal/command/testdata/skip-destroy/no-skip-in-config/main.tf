resource "test_instance" "foo" {
  id = "baz"
}
