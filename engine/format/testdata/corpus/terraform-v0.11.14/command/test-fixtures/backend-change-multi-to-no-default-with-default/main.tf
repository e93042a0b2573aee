terraform {
    backend "local-no-default" {
        environment_dir = "envdir-new"
    }
}
