provider "foo" {

}

resource "bar_instance" "test" {

}

provider "baz" {
  version = "1.2.0"
}
