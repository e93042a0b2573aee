terraform {
  backend "s3" {
    foo = "bar"
  }
}
