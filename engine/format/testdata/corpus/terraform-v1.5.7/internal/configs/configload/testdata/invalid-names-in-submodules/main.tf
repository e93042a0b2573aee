module "test" {
	source = "./sub"
}
