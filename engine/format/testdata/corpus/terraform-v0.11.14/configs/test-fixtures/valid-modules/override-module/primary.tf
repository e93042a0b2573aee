
module "example" {
  source = "./example2"

  kept = "primary kept"
  foo  = "primary foo"
}
