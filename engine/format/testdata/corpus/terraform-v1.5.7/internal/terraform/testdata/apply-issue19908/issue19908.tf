resource "test" "foo" {
  baz = "updated"
}
