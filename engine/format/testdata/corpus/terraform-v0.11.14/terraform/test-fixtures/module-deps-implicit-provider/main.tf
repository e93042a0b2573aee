
resource "foo_bar" "test1" {

}

resource "foo_bar" "test2" {
    provider = "foo.baz"
}
