resource "foo" "basic_resource" {
}

removed {
  from = foo.basic_resource
}