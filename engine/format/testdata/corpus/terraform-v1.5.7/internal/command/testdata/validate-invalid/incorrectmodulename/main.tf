module "super#module" {
}

module "super" {
  source = var.modulename
}
