variable "test" {
  type = "map"
  default = {
    "test" = "1"
  }
}