resource "foo" "bar" {
    count = "5"
}
