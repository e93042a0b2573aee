provider "aws" {
    alias = "bar"
}

provider "aws" {
    alias = "foo"
}
