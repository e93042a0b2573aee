provider "aws" {
    value = "foo"
}
