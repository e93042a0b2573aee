module "C" {
  source = "../C"
}
