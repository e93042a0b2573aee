terraform {
  required_version = "~> 0.9.0"
}

terraform {
  required_version = ">= 0.13.0"
}
