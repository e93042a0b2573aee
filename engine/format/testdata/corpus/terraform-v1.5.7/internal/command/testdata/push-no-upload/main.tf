module "example" { source = "./child" }
