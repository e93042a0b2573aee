module "child" {
  count = 1
  source = "./child"
}
