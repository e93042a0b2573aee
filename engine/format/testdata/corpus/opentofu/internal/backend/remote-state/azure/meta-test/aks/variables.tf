variable "location" {
  type = string
}

variable "ssh_pub_key_path" {
  type = string
}
