resource "test_resource" "example" {
}

module "checker" {
  source = "../checker"
}
