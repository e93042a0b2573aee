resource "test_resource" "a-b" {}
