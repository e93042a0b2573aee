provider "aws" {}
resource "foo_instance" "web" {}
