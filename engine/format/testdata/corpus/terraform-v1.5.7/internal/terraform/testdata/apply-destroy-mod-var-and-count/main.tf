module "child" {
  source    = "./child"
  mod_count = "3"
}
