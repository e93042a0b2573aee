resource "foo" "basic_resource" {
}
