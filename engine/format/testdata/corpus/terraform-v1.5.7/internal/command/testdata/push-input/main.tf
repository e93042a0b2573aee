variable "foo" {}

resource "test_instance" "foo" {}

atlas {
    name = "foo"
}
