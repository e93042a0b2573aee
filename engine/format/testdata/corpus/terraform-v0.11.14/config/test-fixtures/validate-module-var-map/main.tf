module "foo" {
    source = "./foo"
    nodes = {
        key1 = "value1"
        key2 = "value2"
    }
}
