module "foo bar" {
    source = "foo"
}
