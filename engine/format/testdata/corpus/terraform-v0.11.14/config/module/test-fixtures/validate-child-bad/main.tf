module "foo" {
    source = "./child"
}
