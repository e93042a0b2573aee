variable "foo" {}
variable "bar" {
    default = ""
}
variable "baz" {
    default = "foo"
}
