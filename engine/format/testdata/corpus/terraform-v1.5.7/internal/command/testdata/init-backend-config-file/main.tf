terraform {
    backend "local" {}
}
