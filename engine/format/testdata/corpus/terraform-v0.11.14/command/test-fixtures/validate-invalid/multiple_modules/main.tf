module "multi_module" {
}

module "multi_module" {
}
