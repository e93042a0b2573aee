module "foo" {
    source = "./foo.tgz//sub"
}
