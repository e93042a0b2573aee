module "foo" {
    source = "./foo"
    foo = "bar"
}
