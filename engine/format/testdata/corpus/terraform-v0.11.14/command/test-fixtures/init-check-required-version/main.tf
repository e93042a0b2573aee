terraform {
    required_version = "~> 0.9.0"
}
