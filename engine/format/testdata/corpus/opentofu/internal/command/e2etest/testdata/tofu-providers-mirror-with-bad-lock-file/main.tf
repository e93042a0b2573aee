terraform {
  required_providers {
    tfcoremock = {
      source  = "tfcoremock"
    }
  }
}
