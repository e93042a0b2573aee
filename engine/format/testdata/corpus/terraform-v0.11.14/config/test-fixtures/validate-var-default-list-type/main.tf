variable "foo" {
  default = ["foo", "bar"]
}
