variable "id" {
  type = string
}

resource "test_instance" "this" {
}
