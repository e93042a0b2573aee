resource "baz_resource" "baz" {}
