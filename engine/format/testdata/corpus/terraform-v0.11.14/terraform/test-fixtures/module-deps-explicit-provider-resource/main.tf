provider "foo" {
  version = ">=1.0.0"
}

resource "foo_bar" "test1" {

}
