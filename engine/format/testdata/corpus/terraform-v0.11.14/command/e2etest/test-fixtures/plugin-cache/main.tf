provider "template" {
  version = "0.1.0"
}

provider "null" {
  version = "0.1.0"
}
