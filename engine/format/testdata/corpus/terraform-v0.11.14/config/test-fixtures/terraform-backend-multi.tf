terraform {
  backend "s3" {}
  backend "s4" {}
}
