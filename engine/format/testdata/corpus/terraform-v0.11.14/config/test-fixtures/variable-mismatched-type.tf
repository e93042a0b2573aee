variable "not_a_map" {
    type = "string"

    default = {
        i_am_not = "a string"
    }
}
