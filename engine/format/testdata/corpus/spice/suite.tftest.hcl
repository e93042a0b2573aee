variables {
  type = "string"
  name = "${upper("x")}"
}
run "first" {
  command = plan
  assert {
    condition = "${var.a == 1}"
    error_message = "wrong"
  }
}
