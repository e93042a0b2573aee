module "child" { source = "./child" }
