variable "single_element" {
  type = "string"
}
