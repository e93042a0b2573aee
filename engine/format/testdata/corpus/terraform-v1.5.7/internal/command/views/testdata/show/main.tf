resource "test_resource" "foo" {
    foo = "value"
}
