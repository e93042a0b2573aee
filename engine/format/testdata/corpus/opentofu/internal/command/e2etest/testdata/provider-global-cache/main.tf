terraform {
	required_providers {
		tfcoremock = {
			source = "tfcoremock"
			version = "0.1.1"
		}
	}
}
