module "multi_module" {
  source = "./foo"
}

module "multi_module" {
  source = "./foo"
}
