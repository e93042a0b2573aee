locals {
  a = "${var.x
}
