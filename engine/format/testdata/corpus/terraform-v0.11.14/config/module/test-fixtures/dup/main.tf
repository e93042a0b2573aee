module "foo" {
    source = "./foo"
}

module "foo" {
    source = "./foo"
}
