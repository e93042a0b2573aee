module "subchild" {
  source = "./subchild"
}
