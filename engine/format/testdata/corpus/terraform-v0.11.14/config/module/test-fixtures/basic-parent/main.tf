module "a" {
    source = "./a"
}
