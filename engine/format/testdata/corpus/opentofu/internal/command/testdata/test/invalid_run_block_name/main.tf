provider "test" {
  value = "foo"
}