resource "foo_instance" "one" {}
resource "bar_instance" "two" {}
