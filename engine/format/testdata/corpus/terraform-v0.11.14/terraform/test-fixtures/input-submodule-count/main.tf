module "mod" {
  source = "./mod"
  count = 2
}
