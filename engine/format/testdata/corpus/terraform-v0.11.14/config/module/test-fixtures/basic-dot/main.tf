# Hello

module "foo" {
    source = "./foo"
}
