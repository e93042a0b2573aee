terraform {
    backend "local" {
        workspace_dir = "envdir-new"
    }
}
