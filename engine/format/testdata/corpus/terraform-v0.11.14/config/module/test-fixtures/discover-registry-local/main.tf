module "provider" {
	source = "exists-in-registry/identifier/provider"
}
