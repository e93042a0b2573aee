variable "foo" {
  default = "bar"
}

variable "foo2" {
  default = {
    foo = "bar"
  }
}
