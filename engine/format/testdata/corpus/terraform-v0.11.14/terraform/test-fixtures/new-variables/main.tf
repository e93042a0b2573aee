variable "foo" {}
variable "bar" {
    default = "baz"
}
