variable "maybe_a_map" {
  type = map(string)

  // No default
}
