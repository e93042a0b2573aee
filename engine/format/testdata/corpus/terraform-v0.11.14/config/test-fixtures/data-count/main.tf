data "foo" "bar" {
    count = 5
}
