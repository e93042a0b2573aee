module "child" {
	source = "./child"
}
