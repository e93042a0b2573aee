provider "aws" {
}

provider "aws" {
    alias = "foo"
}

provider "aws" {
    alias = "bar"
}