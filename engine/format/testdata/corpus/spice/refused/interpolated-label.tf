resource "a" "${var.b}" {}
