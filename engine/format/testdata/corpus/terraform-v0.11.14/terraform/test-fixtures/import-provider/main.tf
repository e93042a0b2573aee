provider "aws" {
  foo = "bar"
}
