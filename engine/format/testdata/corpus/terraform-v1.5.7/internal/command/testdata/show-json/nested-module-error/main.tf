module "my_module" {
  source = "./modules"
}
