terraform {
    backend "local" {
    }
}
