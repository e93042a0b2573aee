resource "test_instance" "a" {
  id = "bar"
}
