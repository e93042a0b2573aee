terraform {
    backend "local" {
        environment_dir = "envdir-new"
    }
}
