variable "key1" {
}

variable "key2" {
}

variable "key3" {
}
