variable "a" { type = "string" }
variable "b" { type = "list" }
variable "c" { type = "map" }
variable "d" { type = list }
variable "e" { type = map }
variable "f" { type = set }
variable "g" { type = "number" }
variable "h" {
  type = "set"
  default = "${var.x}"
}
variable "i" { type = object({ a = string }) }
variable "j" {
  type = list # trailing comment
  validation {
    condition = "${length(var.j) > 0}"
    error_message = "Must not be empty."
  }
}
module "m" {
  source = "./m"
  type = "string"
  variable "nested" { type = "list" }
}
locals {
  type = list
}
