
module "child_a" {
  source = "child_a"
}

module "child_b" {
  source = "child_b"
}

