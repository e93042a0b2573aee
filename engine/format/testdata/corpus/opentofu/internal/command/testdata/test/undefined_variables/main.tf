
variable "input" {
  type    = string
  default = "Hello, world!"
}
