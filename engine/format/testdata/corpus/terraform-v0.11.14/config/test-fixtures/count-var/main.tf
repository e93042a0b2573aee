resource "foo" "bar" {
    count = "${var.foo}"
}
