module "okay" {
  source = "./okay"
}

module {
  source = "./not-okay"
}
