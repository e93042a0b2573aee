variable "foo" {}
variable "foo" {}
