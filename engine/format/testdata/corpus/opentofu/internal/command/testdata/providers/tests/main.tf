resource "bar_instance" "test" {

}
