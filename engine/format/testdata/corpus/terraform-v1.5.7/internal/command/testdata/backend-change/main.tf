terraform {
    backend "local" {
        path = "local-state-2.tfstate"
    }
}
