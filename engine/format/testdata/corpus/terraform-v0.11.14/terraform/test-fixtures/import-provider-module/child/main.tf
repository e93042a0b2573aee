# Empty
provider "aws" {}
