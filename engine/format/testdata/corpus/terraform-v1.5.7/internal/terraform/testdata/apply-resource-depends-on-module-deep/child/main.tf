module "grandchild" {
    source = "./child"
}
