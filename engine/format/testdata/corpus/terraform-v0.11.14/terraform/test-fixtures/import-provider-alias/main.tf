provider "aws" {
  foo = "bar"
  alias = "alias"
}
