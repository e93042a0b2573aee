resource "nonexistingProv_res" "test2" {
}