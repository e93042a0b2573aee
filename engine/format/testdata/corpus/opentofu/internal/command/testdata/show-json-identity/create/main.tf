resource "test_instance" "test" {
    ami = "new-ami"
}
