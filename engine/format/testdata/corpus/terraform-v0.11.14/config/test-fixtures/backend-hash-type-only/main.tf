terraform {
    backend "foo" {
    }
}
