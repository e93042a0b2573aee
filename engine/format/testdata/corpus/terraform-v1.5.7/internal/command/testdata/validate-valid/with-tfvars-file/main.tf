variable "var_without_default" {
  type = string
}

