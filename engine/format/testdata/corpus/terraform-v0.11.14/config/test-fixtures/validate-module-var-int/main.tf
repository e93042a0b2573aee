module "foo" {
    source = "./foo"
    nodes = 3
}
