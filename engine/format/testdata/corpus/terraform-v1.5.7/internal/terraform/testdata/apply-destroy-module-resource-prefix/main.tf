module "child" {
    source = "./child"
}
