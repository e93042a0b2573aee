module "subchild" {
    source = "./subchild"
}
