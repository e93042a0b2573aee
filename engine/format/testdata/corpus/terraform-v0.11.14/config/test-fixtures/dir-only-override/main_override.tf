variable "foo" {
    default = "bar"
    description = "bar"
}
