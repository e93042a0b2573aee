variable "var1" {
  default = true
}

variable "var2" {
}

output "sss" {
  value = var.var2
}