module "foo" {
  source = "registry.does.not.exist/example_corp/foo/bar"
  version = "0.1.0"
}
