
module "example" {
  new   = "b_override new"
  newer = "b_override newer"
}
