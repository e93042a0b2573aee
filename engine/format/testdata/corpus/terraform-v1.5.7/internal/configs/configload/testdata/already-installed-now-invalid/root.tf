module "foo" {
  source  = "./foo"
}
