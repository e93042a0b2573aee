module "C" { source = "../C" }
