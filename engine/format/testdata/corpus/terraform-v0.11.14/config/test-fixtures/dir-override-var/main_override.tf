variable "foo" {
    default = "baz"
}
