resource "test_instance" "b-c" {}
