terraform {
  required_providers {
    dummy = {
      source = "my/dummy"
    }
  }
}
