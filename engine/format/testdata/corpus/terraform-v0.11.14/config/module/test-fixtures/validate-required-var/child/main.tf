variable "memory" {}
variable "feature" {}
