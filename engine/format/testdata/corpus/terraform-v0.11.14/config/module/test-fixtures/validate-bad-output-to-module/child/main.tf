variable "memory" { default = "foo" }
