variable "test" {
  type = map(string)
  default = {
    "test" = "1"
  }
}