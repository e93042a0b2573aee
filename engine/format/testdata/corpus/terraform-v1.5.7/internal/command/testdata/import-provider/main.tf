provider "test" {
    foo = "bar"
}

resource "test_instance" "foo" {
}
