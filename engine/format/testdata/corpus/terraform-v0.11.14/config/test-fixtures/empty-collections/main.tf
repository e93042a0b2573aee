variable "empty_string" {
  default = ""
}

variable "empty_list" {
  default = []
}

variable "empty_map" {
  default = {}
}
