module "mod" {
  source = "./mod"
  // missing providers with foo.bar provider config
}
