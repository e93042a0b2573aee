variable "foo" {}
variable "bar" {}

resource "null_resource" "foo" {}
