provider "test" {
    version = "bananas!"
}
