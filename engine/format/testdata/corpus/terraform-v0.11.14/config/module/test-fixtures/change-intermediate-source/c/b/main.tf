resource "test_resource" "c-b" {}
