terraform {
  required_providers {
    test = {
      source  = "example.com/test/test"
      version = "0.0.1"
    }
  }
}
