resource "test_thing" "foo" {
  v = "goodbye"
}
