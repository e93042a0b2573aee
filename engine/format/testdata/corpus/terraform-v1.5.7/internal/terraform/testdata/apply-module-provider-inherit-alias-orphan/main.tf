provider "aws" {
}

provider "aws" {
  alias = "eu"
}
