module "child" {
  source = "./child"
  input = "1"
}
