variable "okay" {
}

variable {
  name    = "test"
  default = "test_value"
  type    = "string"
}
