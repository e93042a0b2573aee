module "bar" {
    source = "./baz"
}
