module "child_a" {
  source = "./child_a"
}
