module "child" {
  source = "./child"
  instance_count = "2"
}
