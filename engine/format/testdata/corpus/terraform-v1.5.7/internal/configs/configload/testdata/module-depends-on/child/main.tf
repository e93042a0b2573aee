module "child2" {
  source = "../child2"
}
