variable "a" {
    default = "foo"
    type = "string"
}

variable "b" {
    default = []
    type = "list"
}

variable "c" {
    default = {}
    type = "map"
}
