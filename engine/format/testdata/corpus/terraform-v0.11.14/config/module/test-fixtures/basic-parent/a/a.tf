module "b" {
    source = "../c"
}
