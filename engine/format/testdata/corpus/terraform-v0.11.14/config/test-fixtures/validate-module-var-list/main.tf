module "foo" {
    source = "./foo"
    nodes = [1,2,3]
}
