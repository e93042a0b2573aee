resource "test_instance" "foo" {
    ami = "${var.nope}"
}
