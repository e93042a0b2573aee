resource "test_object" "foo" {}
