variable "should_override" {
    default = "overridden by tf file"
}