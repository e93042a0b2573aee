variable "a" {
  a = "b"
}
