terraform {
  required_providers {
    test = {
      source = "test"
    }
  }
}

provider "test" {

}