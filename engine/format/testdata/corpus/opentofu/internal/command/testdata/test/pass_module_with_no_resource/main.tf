module "first" {
  source = "./first"
}

resource "test_resource" "resource" {}