resource "test_instance" "a-c" {}
