variable "bar" {
  type       = string
  default    = "bar default value"
  deprecated = "bar deprecated note"
}