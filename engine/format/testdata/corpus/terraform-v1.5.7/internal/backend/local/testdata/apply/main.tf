resource "test_instance" "foo" {
    ami = "bar"
}
