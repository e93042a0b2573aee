resource "test_instance" "baz" {
  ami = "baz"
}
