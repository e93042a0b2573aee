resource "test_instance" "foo" {
  dynamic = {}
}
