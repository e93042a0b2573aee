module "child" {
    source = "./child"

    memory = "foo"
}
