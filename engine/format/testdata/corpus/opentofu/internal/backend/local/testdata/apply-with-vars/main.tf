variable "ephemeral_var" {
  type      = string
  ephemeral = true
}

variable "regular_var" {
  type      = string
}
