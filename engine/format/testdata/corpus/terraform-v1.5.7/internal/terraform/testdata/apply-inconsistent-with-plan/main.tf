resource "test" "foo" {
}
