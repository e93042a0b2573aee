terraform {
  required_providers {
    nonexist = {
      source = "registry.opentofu.org/hashicorp/nonexist"
    }
  }
}
