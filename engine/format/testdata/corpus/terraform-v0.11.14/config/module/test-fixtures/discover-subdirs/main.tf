module "provider" {
	source = "namespace/identifier/provider"
}
