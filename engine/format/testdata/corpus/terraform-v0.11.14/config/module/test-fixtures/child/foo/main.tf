# Hello

module "bar" {
    source = "./bar"
}
