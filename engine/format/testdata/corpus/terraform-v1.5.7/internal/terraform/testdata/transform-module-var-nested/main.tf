module "child" {
    source = "./child"
    value  = "foo"
}
