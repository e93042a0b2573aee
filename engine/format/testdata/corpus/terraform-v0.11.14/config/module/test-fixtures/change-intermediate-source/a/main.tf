module "b" {
    source = "./b"
}
