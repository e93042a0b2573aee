module "grandchild" {
  source = "../grandchild"
}
