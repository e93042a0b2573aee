module "greet" {
  source = "./module"
  name   = "greet"
}