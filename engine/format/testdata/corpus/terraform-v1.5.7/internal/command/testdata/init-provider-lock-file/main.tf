provider "test" {
	version = "1.2.3"
}
