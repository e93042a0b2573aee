variable "bad_type" {
    type = "string"
}
