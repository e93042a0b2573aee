module "root" { source = "./child" }
