module "root" {
    source = "./child"
}
