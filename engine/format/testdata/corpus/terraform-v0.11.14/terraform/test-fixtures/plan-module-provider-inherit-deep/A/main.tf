module "B" { source = "../B" }
