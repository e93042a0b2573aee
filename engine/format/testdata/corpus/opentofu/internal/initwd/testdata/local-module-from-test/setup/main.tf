variable "v" {
  description = "in setup module"
  default = ""
}
