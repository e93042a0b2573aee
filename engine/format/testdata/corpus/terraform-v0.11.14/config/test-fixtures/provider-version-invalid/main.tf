provider "aws" {
  version = "bananas"
  a       = "a"
  b       = "b"
}
