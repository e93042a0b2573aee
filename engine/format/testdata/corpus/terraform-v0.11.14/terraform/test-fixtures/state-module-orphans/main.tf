module "bar" {
    source = "./bar"
}
