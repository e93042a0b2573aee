
module "child_c" {
  source = "child_c"
}
