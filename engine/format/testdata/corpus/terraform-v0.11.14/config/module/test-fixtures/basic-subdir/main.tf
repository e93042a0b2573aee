module "foo" {
    source = "./foo//sub"
}
