provider "42_bad!" {
  invalid_provider_name = "yes"
}
