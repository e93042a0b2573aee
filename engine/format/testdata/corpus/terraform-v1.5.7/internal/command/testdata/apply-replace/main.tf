resource "test_instance" "a" {
}
