module "mod" {
  source         = "./mod"
  instance_count = 2
}
