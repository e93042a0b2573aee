variable "foo" {}

resource "test_instance" "foo" {}
