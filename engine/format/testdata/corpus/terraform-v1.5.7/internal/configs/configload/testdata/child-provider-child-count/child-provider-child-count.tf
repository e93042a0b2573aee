module "child" {
  source = "./child"
  count  = 1
}
