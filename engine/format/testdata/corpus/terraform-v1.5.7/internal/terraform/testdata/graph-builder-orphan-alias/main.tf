provider "test" {
  alias = "foo"
}
