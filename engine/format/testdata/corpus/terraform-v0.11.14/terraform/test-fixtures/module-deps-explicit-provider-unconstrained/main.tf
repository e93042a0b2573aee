provider "foo" {
}
