module "middle" {
  source = "./middle"
  param  = "foo"
}
