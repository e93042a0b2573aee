terraform {
  backend "foo" {
    key = "${var.var}"
  }
}
