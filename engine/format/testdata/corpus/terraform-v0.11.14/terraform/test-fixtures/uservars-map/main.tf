variable "test_map" {
  type = "map"
}
