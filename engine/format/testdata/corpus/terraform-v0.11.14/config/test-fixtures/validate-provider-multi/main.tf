provider "aws" {
    alias = "foo"
}

provider "aws" {
    alias = "foo"
}
