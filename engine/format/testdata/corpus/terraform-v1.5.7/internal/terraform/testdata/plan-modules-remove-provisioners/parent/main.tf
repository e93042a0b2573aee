module "childone" {
  source = "./child"
}

module "childtwo" {
  source = "./child"
}
