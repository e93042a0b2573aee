variable "maybe_a_map" {
    type = "map"

    // No default
}
