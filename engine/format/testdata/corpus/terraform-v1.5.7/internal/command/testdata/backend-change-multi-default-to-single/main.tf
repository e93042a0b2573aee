terraform {
    backend "local-single" {
        path = "local-state-2.tfstate"
    }
}
