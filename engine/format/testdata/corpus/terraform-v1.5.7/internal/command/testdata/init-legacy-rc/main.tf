provider "legacy" {}
