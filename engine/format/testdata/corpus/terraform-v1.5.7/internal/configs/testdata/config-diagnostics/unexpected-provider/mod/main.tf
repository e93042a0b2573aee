resource "foo_resource" "a" {
}
