module "bar" {
    memory = "1G"
    source = "baz"
}
