resource "unknown_instance" "foo" {
    num = "2"
    compute = "foo"
}
