provider "template" {
  version = "2.1.0"
}

provider "null" {
  version = "2.1.0"
}
