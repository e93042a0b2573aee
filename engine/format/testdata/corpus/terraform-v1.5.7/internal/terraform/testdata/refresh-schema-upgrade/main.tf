resource "test_thing" "bar" {
}
