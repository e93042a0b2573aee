module "bar" {
  source = "${path.module}/bar"
}
