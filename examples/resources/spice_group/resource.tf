resource "spice_group" "spice" {
  name   = "spice"
  system = true
}
