module "sub" {
    source = "./sub"
}
