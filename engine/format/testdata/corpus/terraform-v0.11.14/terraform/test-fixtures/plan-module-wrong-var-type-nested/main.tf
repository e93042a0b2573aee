module "middle" {
    source = "./middle"
}
