locals {
  a = "${var.x}"
  b = "${var.a}${var.b}"
  c = "${var.a}-suffix"
  d = "prefix-${var.a}"
  e = "${f("${var.y}")}"
  f = "${f("${var.y}-x")}"
  g = "${
    var.cond
    ? "yes"
    : "no"
  }"
  h = "${(var.cond
    ? 1
    : 2)}"
  i = "${
    var.single
  }"
  j = "%{ if var.x }yes%{ endif }"
  k = "${var.a}%{ if var.x }yes%{ endif }"
  l = <<EOT
${var.x}
EOT
  m = <<-EOT
    ${var.y}
  EOT
  n = "$${not.interpolation}"
  o = "${var.list[0]}"
  p = ["${var.a}", "${var.b}x"]
  q = { key = "${var.a}" }
  r = "${var.a ~}"
  s = "${~ var.a}"
  t = "${var.m["key"]}"
  u = "${ var.spaced }"
}
resource "x" "y" {
  count = "${length(var.list)}"
  nested {
    value = "${var.z}"
  }
}
output "o" { value = "${module.m.out}" }
