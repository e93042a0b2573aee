terraform {
    backend "local" {
        path = "foo"
    }
}
