
locals {
  test = "${upper("hello, world")}"
}
