resource "test_object" "b" {
  test_string = "changed"
}
