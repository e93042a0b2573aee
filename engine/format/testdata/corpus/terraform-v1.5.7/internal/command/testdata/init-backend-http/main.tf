terraform {
  backend "http" {
  }
}
