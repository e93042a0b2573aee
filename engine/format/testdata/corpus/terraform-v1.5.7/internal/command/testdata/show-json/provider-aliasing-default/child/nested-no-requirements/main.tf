resource "test_instance" "test" {
  ami = "qux"
}
