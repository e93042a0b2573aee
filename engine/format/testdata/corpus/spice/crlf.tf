resource "a" "b" {
  x = "${var.y}"
  long = 2
}
