module "foo" {
    source = "./foo"
}
