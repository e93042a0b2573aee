provider "foo" {}

module "subsub" {
    source = "./subsub"
}
