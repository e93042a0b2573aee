module "child" {
    source = "./child"
    key    = "value"
}
