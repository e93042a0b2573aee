module "B" {
  source = "../B"
}
