module "child" {
  source = "./child"

  test = "nope"
}
