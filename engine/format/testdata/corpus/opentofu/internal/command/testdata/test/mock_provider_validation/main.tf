provider "test" {}

resource "test_resource" "primary" {
  value = "foo"
}
