module "middle" {
  source = "./middle"
}
