terraform {
    backend "local" {
        path = "local-state.tfstate"
    }
}
